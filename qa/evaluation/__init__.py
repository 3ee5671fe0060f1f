"""Evaluation stage: `qa batch` (answer a JSONL file) and `qa eval` (score, report, compare).

Modules: :mod:`~qa.evaluation.batch` (answering, resumable), :mod:`~qa.evaluation.baseline` (plain
RAG), :mod:`~qa.evaluation.metrics` (pure metric functions), :mod:`~qa.evaluation.scoring` (result
line → outcome), :mod:`~qa.evaluation.report` (terminal table, report.html),
:mod:`~qa.evaluation.compare` (run vs run), :mod:`~qa.evaluation.runner` (the `qa eval` run folder).
"""
