"""上下级对照: align the clauses of related plans (a city plan ↔ the provincial plan it implements ↔
other regions' plans), diff aligned clauses, and answer comparison questions from the alignment.

- :mod:`qa.compare.model`    frozen dataclasses passed between the steps
- :mod:`qa.compare.aligner`  clause records from the index, features, candidates, link decisions
- :mod:`qa.compare.store`    ``alignment.json`` inside the index version folder (written with the index)
- :mod:`qa.compare.figures`  figures (value, unit, year, qualifier), named projects, sentences
- :mod:`qa.compare.diff`     the differences between two clauses
- :mod:`qa.compare.service`  CompareService: clause/topic comparisons and comparison tables
- :mod:`qa.compare.answer`   ``compare_answer``: a comparison question → ComparisonTable
- :mod:`qa.compare.gold`     precision/recall of the alignment against ``eval/alignment_gold.jsonl``
"""
