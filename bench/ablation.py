"""What each answering mechanism buys: the evaluation with one mechanism switched off at a time.

Every variant answers the same questions through the same service as users get (``build_service``),
with the setting ``ablate`` naming the mechanism switched off, plus ``grounding=0`` (the same retrieval
and prompt, the raw answer unchecked). Generations are replayed from a cache for identical prompts
(``generation_cache``: greedy decoding makes a generation a function of its prompt), so a variant costs
model time only where it changes a prompt. Seed the cache with the product's own ``qa eval`` runs:

    QA_GENERATION_CACHE=.cache/generations.jsonl qa eval --dataset eval/test.jsonl --run test-v6
    python bench/ablation.py --cache .cache/generations.jsonl eval/dev.jsonl eval/test.jsonl

Prints, per dataset, one row per variant: key-fact accuracy, refusal accuracy, false refusals,
citation precision, answers with an unsupported figure (counted by the evaluation), extractive share,
and how many generations the variant needed that the cache did not hold.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = ("", "script", "translate", "glossary", "follow_context", "place_figure", "premise_modality", "premise_roles", "acronyms", "which_doc_figure", "listed_items", "asked_subject", "mention_weight", "described_parts", "place_kind", "premise_year_sentence", "follow_clause", "best_sentence", "benchmark_level", "mention_alternatives", "side_parts", "which_doc_absent", "mention_cited", "unit_binding", "figure_relevance_any", "premise_assist", "asked_year", "mention_apart", "premise_ban", "part_tails", "quoted_subject", "postscript", "follow_parts", "translated_year", "rate_name", "unnamed_members", "follow_region", "members_absent", "echoed_figure", "members_any_kind", "card_gaps", "measure_basis", "mention_heading", "premise_holder", "premise_share", "region_cited", "every_item", "every_quote", "letter_first", "asked_sentence_year", "mention_given", "said_tail", "date_segment", "mention_scope", "premise_places", "deciding_meaning", "part_years", "mention_glue", "echoed_unit", "figure_wording", "listed_asks", "quoted_title", "follow_document", "part_scope", "value_part", "premise_frequency", "excluded_source", "same_clause", "premise_number", "part_quote", "mention_deictic", "quote_hint", "entity_word", "carried_term", "premise_then", "premise_crossed", "context_source", "likened_term", "crossed_indicator", "premise_quoted", "occurrences", "stated_sides", "plan_words", "subject_quote", "hearsay_figures", "colon_head", "mention_meaning", "premise_comma", "asked_coverage", "side_tail", "title_scope", "whether_tail", "entity_kind_answer", "premise_condition", "phone_kind", "money_asked", "premise_also", "mention_bare", "compared_aspect", "denied_written", "invented_items", "mention_adverb", "directive_card", "validity_card", "every_field", "colophon_card", "note_card", "deictic_count", "annual_choice", "figure_source", "self_listed", "mention_not_who", "reworded_specific", "all_documents", "mention_sentence", "figure_lookup", "purpose_preamble", "topic_premise", "conditional_value", "ordinal_words", "left_out_words", "purpose_card", "premise_run", "share_words", "province_card", "kind_words", "marked_mention", "attachment_card", "a_not_a_piece", "abbreviation_titles", "listed_documents", "ranked_tail", "follow_own_region", "spaced_items", "part_deixis", "homophone_names", "nothing_left_out", "part_letter", "signature_bodies", "casual_verbs", "loose_number", "spaced_parts", "reworded_share", "sibling_refusal", "plan_placed", "wording_asked", "casual_mention", "own_coverage", "abbreviation", "action_basis", "written_claim", "follow_year", "told_sentence", "premise_sentence", "which_doc_segment", "statement_translation", "rate_asked", "generic_kind", "deictic_head", "spaced_each", "part_clause_head", "occurrence_count", "named_cards", "own_term", "misdated_refusal", "quoted_phrase", "plan_acts", "whether_figure", "preamble_colon", "other_bodies", "rhetorical_only", "listed_kinds", "numbered_sides", "listed_places", "modifier_bind", "segment_figure", "followed_counterpart", "which_doc_verbatim", "part_clause", "followed_place", "plan_name_claim", "part_province", "preamble_more", "which_doc_term_figure", "mention_listing", "both_given", "mention_end", "abbreviated_name", "premise_stated", "person_asked", "follow_term", "follow_abbreviation", "conditional_tail", "kept_chinese", "mention_fallback", "when_binding", "preamble", "parts", "cards", "which_doc", "year_binding", "segment_binding", "respective", "figure_relevance",
            "qualifiers",
            "premise", "premise_figures", "premise_polarity", "question_figures", "no_figure_quote", "entity_answer", "who_topic", "mention", "figure_answer", "meaning",
            "restatement", "empty_answer", "comparison",
            "alignment", "source_sentence", "each_verb", "means_asked", "mention_items", "written_places",
            "province_side", "institution_region", "which_doc_institution", "subject_after", "duty_cited", "echo_claim", "full_list", "grounding=0")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="+")
    ap.add_argument("--cache", default=str(ROOT / ".cache" / "generations.jsonl"))
    ap.add_argument("--variants", default=",".join(v or "product" for v in VARIANTS),
                    help="comma-separated; 'product' = nothing switched off")
    args = ap.parse_args(argv)

    from qa.corpus import load_corpus
    from qa.evaluation.batch import answer_row, service_answer_fn
    from qa.evaluation.io import read_jsonl
    from qa.evaluation.metrics import aggregate
    from qa.evaluation.scoring import clause_texts, score_row
    from qa.service import build_service
    from qa.settings import load_settings

    base = load_settings().replace(generation_cache=args.cache)
    service = build_service(base)
    service.warmup()
    texts = clause_texts(load_corpus(base.corpus_dir, progress=False).documents)
    cache = service.answerer.generator
    variants = ["" if v == "product" else v for v in args.variants.split(",")]
    keys = ("key_fact_accuracy", "refusal_accuracy", "false_refusal_rate", "citation_precision",
            "n_unsupported_figure", "extractive_rate")
    for dataset in args.datasets:
        rows = list(read_jsonl(dataset))
        print(f"\n== {dataset} ({len(rows)} questions)")
        print(f"{'switched off':<14} {'key facts':>9} {'refusal':>8} {'false ref':>9} {'cit. P':>7} "
              f"{'unsupp.':>7} {'extract.':>8} {'new gen':>7}")
        for variant in variants:
            settings = base.replace(grounding=0) if variant == "grounding=0" else base.replace(ablate=variant)
            service.answerer.settings = service.answerer.policy.settings = settings
            service.answerer._alias_cache = None  # the analyzer is built with the settings' switches
            before = len(cache._cache)
            outcomes = [score_row(answer_row(r, service_answer_fn(service)), texts) for r in rows]
            m = aggregate(outcomes)
            cells = [m[k] for k in keys]
            print(f"{variant or 'product':<14} " + " ".join(
                f"{(f'{100 * v:.1f}%' if v is not None and not k.startswith('n_') else str(v)):>{w}}"
                for k, v, w in zip(keys, cells, (9, 8, 9, 7, 7, 8), strict=True))
                + f" {len(cache._cache) - before:>7}", flush=True)


if __name__ == "__main__":
    main()
