"""One settings object: defaults, overridden by a TOML file, overridden by ``QA_*`` variables.

Built once at the entry point (CLI, API, chat page, evaluation) and passed down; nothing in the
package reads settings at import time. ``qa config`` prints the effective values.

Precedence, lowest first:
1. the defaults below;
2. a TOML file: ``--config PATH``, else ``$QA_CONFIG``, else ``./qa.toml`` if it exists
   (keys are the field names, top-level or under a ``[qa]`` table);
3. environment variables ``QA_<FIELD>`` (e.g. ``QA_TOP_K=8``, ``QA_GENERATOR_BACKEND=openai``).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from qa.errors import ConfigError

#: Built-in model names that ``qa models install`` provides offline.
BUILTIN_EMBEDDER = "builtin:multilingual-e5-small"
BUILTIN_GENERATOR = "builtin:qwen2.5-coder-1.5b"
BUILTIN_GENERATOR_FAST = "builtin:qwen2.5-coder-0.5b"


def _f(default: Any, doc: str, **kw: Any) -> Any:
    return field(default=default, metadata={"doc": doc, **kw})


@dataclass(frozen=True)
class Settings:
    # --- folders ---
    corpus_dir: str = _f("corpus", "Folder of source documents (.txt .md .html .docx .pdf).")
    index_dir: str = _f("index", "Folder where the built index lives.")
    models_dir: str = _f("models", "Folder where `qa models install` puts the built-in models.")
    data_dir: str = _f("data", "Folder for feedback and question logs.")

    # --- embedding ---
    embedding_model: str = _f(
        BUILTIN_EMBEDDER,
        "Sentence-transformers model: a hub id, a local folder, or `builtin:multilingual-e5-small`.",
    )
    embedding_query_prompt: str = _f(
        "query: ", "Prefix for questions (used when the model registers no `query` prompt)."
    )
    embedding_passage_prompt: str = _f(
        "passage: ", "Prefix for chunks (used when the model registers no `passage` prompt)."
    )
    embedding_batch_size: int = _f(16, "Chunks embedded per batch when building the index.")
    embedding_backend: str = _f(
        "auto", "Embedding engine: `openvino` (the export `qa models install` makes of the built-in model, "
        "checked for parity with torch; ~4x faster), `torch` (sentence-transformers fp32, the fallback) or "
        "`auto` (openvino for the built-in model, torch for other models)."
    )
    chunk_max_tokens: int = _f(
        0, "Longest chunk in model tokens; 0 = the embedding model's window (max_seq_length)."
    )

    # --- generation ---
    generator_backend: str = _f("llama-cpp", "Generation backend: llama-cpp, transformers, openai or fake.")
    generator_model: str = _f(
        BUILTIN_GENERATOR,
        "llama-cpp: a GGUF file or `builtin:qwen2.5-coder-1.5b` / `builtin:qwen2.5-coder-0.5b`; "
        "transformers: a Hugging Face causal LM folder or id; openai: the served model name.",
    )
    openai_base_url: str = _f("http://127.0.0.1:8080/v1", "Base URL of an OpenAI-compatible server.")
    openai_api_key: str = _f("", "API key for the OpenAI-compatible server (empty if none).", secret=True)
    n_threads: int = _f(2, "CPU threads for embedding and generation.")
    n_ctx: int = _f(2048, "Context window of the generation model, in tokens.")
    flash_attn: bool = _f(
        False, "llama-cpp: llama.cpp's flash attention (measure with bench/perf_table.py --flash-attn before "
        "turning it on: it changes the arithmetic, so greedy answers may differ).")
    max_new_tokens: int = _f(256, "Longest generated answer, in tokens.")
    temperature: float = _f(0.0, "Sampling temperature (0 = greedy, reproducible).")

    # --- retrieval ---
    top_k: int = _f(3, "Evidence items (clauses) given to the generator (Recall@3 = Recall@5 on eval/dev.jsonl).")
    evidence_chars: int = _f(120, "Characters kept per evidence item (the sentences most relevant to the question).")
    retrieve_k: int = _f(20, "Candidates taken from each of dense and keyword search before fusion.")
    retrieval_mode: str = _f("hybrid", "Retrieval: `hybrid` (dense + keyword fused), `dense` or `keyword`.")
    rrf_k: int = _f(10, "Reciprocal-rank-fusion constant.")
    keyword_tokenizer: str = _f("char", "Keyword (BM25) tokens: `char` (CJK unigrams+bigrams) or `jieba` (words).")
    dense_weight: float = _f(0.5, "Weight of the dense ranking in the fusion (keyword ranking weighs 1).")
    ann_threshold: int = _f(
        50000, "Chunk count above which an approximate (HNSW) index replaces exact search."
    )
    refusal_threshold: float = _f(
        0.8, "Minimum cosine similarity of the best evidence; below it the answer is refused "
        "(calibrated for the built-in embedder with bench/calibrate_refusal.py; recalibrate when changing embedding_model)."
    )
    figure_support_threshold: float = _f(
        0.25, "For 'how much' questions: minimum share of the question that a figure-bearing evidence "
        "sentence must cover, else the answer is refused (the documents give no such figure)."
    )
    premise_support_threshold: float = _f(
        0.5, "Minimum share of a requirement the question asserts ('方案要求全部关停X，…') that one evidence "
        "sentence must state, else the premise is answered as not in the document (fitted on eval/dev.jsonl)."
    )
    mention_threshold: float = _f(
        0.75, "For '有没有提到X': minimum share of X's words that one sentence of the documents in scope must "
        "hold for X to count as mentioned (the whole documents are searched)."
    )
    mention_meaning_threshold: float = _f(
        0.88, "For '有没有提到X' where X is not written as such: minimum meaning similarity (the retrieval "
        "embedder) of X to an evidence sentence that holds every word of X the documents use, for X to count as "
        "said in other words ('在房顶上装光伏' by '推广屋顶光伏发电系统'; fitted on eval/dev.jsonl)."
    )
    align_threshold: float = _f(
        0.58, "上下级对照: minimum score (meaning + shared wording + heading + position) for a clause's best "
        "candidate in another document to count as its counterpart; below it the clause has none there "
        "(fitted on eval/alignment_gold.jsonl, Ziyang; `qa compare eval`)."
    )
    align_extra_threshold: float = _f(
        0.36, "上下级对照: minimum score of a further counterpart (a clause that merges several clauses of the "
        "other plan); it must also reach align_extra_ratio × the best score."
    )
    align_extra_ratio: float = _f(0.65, "上下级对照: a further counterpart must score at least this share of the best one.")
    generation_cache: str = _f(
        "", "Evaluation only: a JSONL file where generations are kept and replayed for identical prompts "
        "(greedy decoding), so that ablation runs regenerate only what a switched-off mechanism changes. "
        "Empty = off (the product never replays)."
    )
    ablate: str = _f(
        "", "Comma-separated answering mechanisms to switch off, for ablation runs (qa eval): script, preamble, "
        "translate, glossary, follow_context, follow_clause, place_figure, premise_modality, premise_roles, acronyms, which_doc_figure, listed_items, asked_subject, mention_weight, described_parts, place_kind, when_binding, parts, cards, which_doc, year_binding, segment_binding, respective, figure_relevance, qualifiers, premise, premise_figures, premise_polarity, premise_year_sentence, best_sentence, benchmark_level, mention_alternatives, side_parts, which_doc_absent, mention_cited, unit_binding, figure_relevance_any, premise_assist, asked_year, mention_apart, premise_ban, part_tails, quoted_subject, postscript, follow_parts, translated_year, rate_name, unnamed_members, follow_region, members_absent, echoed_figure, members_any_kind, card_gaps, measure_basis, mention_heading, premise_holder, premise_share, region_cited, every_item, every_quote, letter_first, asked_sentence_year, mention_given, said_tail, date_segment, mention_scope, premise_places, deciding_meaning, part_years, mention_glue, echoed_unit, figure_wording, listed_asks, quoted_title, follow_document, part_scope, value_part, premise_frequency, excluded_source, same_clause, part_quote, premise_number, mention_deictic, quote_hint, entity_word, carried_term, premise_then, premise_crossed, context_source, likened_term, crossed_indicator, premise_quoted, occurrences, stated_sides, plan_words, subject_quote, hearsay_figures, colon_head, mention_meaning, premise_comma, asked_coverage, side_tail, title_scope, whether_tail, entity_kind_answer, premise_condition, phone_kind, money_asked, premise_also, mention_bare, mention_fallback, kept_chinese, conditional_tail, follow_abbreviation, follow_term, person_asked, premise_stated, abbreviated_name, mention_end, both_given, mention_listing, which_doc_term_figure, preamble_more, part_province, plan_name_claim, followed_place, part_clause, which_doc_verbatim, followed_counterpart, segment_figure, modifier_bind, listed_places, numbered_sides, listed_kinds, rhetorical_only, other_bodies, preamble_colon, whether_figure, plan_acts, quoted_phrase, misdated_refusal, own_term, named_cards, occurrence_count, part_clause_head, spaced_each, deictic_head, generic_kind, rate_asked, statement_translation, which_doc_segment, premise_sentence, told_sentence, follow_year, written_claim, action_basis, compared_aspect, denied_written, invented_items, mention_adverb, directive_card, validity_card, every_field, institution_region, which_doc_institution, province_side, subject_after, duty_cited, echo_claim, full_list, each_verb, means_asked, mention_items, written_places, colophon_card, note_card, deictic_count, annual_choice, figure_source, self_listed, mention_not_who, reworded_specific, all_documents, mention_sentence, figure_lookup, purpose_preamble, topic_premise, conditional_value, ordinal_words, left_out_words, purpose_card, premise_run, share_words, province_card, kind_words, marked_mention, attachment_card, a_not_a_piece, abbreviation_titles, listed_documents, ranked_tail, follow_own_region, spaced_items, part_deixis, homophone_names, nothing_left_out, part_letter, signature_bodies, casual_verbs, loose_number, spaced_parts, reworded_share, sibling_refusal, plan_placed, wording_asked, casual_mention, own_coverage, abbreviation, "
        "question_figures, no_figure_quote, entity_answer, who_topic, mention, figure_answer, meaning, restatement, empty_answer, comparison, alignment, source_sentence. Empty = all on (the product)."
    )

    grounding: int = _f(
        1, "1 = the system refuses and checks citations/figures (the product); 0 = plain RAG: the same "
        "retrieval and prompt, the model's raw answer unchecked (for measuring what grounding buys)."
    )

    # --- input limits ---
    max_question_chars: int = _f(500, "Longest accepted question, in characters.")

    # --- server ---
    host: str = _f("127.0.0.1", "Address `qa serve` listens on.")
    port: int = _f(7860, "Port `qa serve` listens on.")
    api_key: str = _f("", "If set, required as `Authorization: Bearer KEY` on /api and /v1, and as the password "
                      "of the chat page (see Access control).", secret=True)
    cors_origins: str = _f("", "Comma-separated origins allowed for CORS and framing (/embed).")
    queue_size: int = _f(4, "Requests allowed to wait for the generator; more get 503.")
    generation_concurrency: int = _f(
        0, "Generations run at once by one replica with generator_backend = openai (an in-process model "
        "always runs one). 0 = the engine's parallel slots when it reports them (llama.cpp server /props or "
        "/slots), else 4. With several replicas: the engine's slots divided by the number of replicas.")
    database_url: str = _f(
        "", "Database of the question log and feedback: empty = SQLite in data_dir (qa.sqlite3); "
        "postgresql://USER:PASSWORD@HOST:PORT/DB for several replicas on several hosts.", secret=True)
    admin_key: str = _f("", "If set, enables the admin API and page (/admin): list, upload and remove documents "
                        "(Authorization: Bearer KEY). Empty = admin off.", secret=True)
    index_check_s: float = _f(2.0, "How often (seconds) a running server checks whether the index was switched to "
                              "a new version, and loads it in the background (0 = never).")
    log_format: str = _f("json", "Server log format of `qa serve`: json (one JSON object a line) or text.")
    max_body_bytes: int = _f(65536, "Largest accepted request body, in bytes.")
    embed_token_ttl_s: int = _f(900, "Lifetime of a widget token (issued by /embed), in seconds; the page renews it.")
    embed_rate_per_min: int = _f(20, "Requests per minute one client may make with widget tokens; more get 429.")
    feedback_rate_per_min: int = _f(10, "Feedback posts per minute one client may make; more get 429.")

    # --- logs (data_dir/questions.jsonl, feedback.jsonl) ---
    log_max_mb: float = _f(10.0, "Size at which a question or feedback log is rotated, in MB.")
    log_backups: int = _f(5, "Rotated files kept per log (retention, at least 1); older ones are deleted.")
    log_rate_per_min: int = _f(600, "Records per minute each log accepts; further ones are dropped (and counted).")

    # --- document limits (reading and parsing; a file over a limit is rejected, nothing is indexed) ---
    max_file_mb: float = _f(50.0, "Largest document file read, in MB.")
    max_document_chars: int = _f(2000000, "Most characters of text extracted from one document.")
    max_pdf_pages: int = _f(2000, "Most pages of one PDF.")
    max_unpacked_mb: float = _f(200.0, "Largest total size of a .docx once unzipped, in MB.")
    max_archive_ratio: float = _f(100.0, "Largest compression ratio of any part of a .docx (zip-bomb guard).")

    # ------------------------------------------------------------------
    @property
    def models_path(self) -> Path:
        return Path(self.models_dir)

    def enabled(self, mechanism: str) -> bool:
        """False when ``mechanism`` is listed in ``ablate`` (switched off for an ablation run)."""
        return mechanism not in {m.strip() for m in self.ablate.split(",") if m.strip()}

    def field_docs(self) -> dict[str, str]:
        return {f.name: f.metadata.get("doc", "") for f in fields(self)}

    def as_dict(self, *, redact: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if redact and f.metadata.get("secret") and value:
                value = "***"
            out[f.name] = value
        return out

    def markdown_table(self) -> str:
        """The settings as the README's table (`qa config --markdown`)."""
        rows = ["| setting | default | what it does |", "|---|---|---|"]
        docs = self.field_docs()
        rows += [f"| `{k}` | `{v!s}` | {docs[k]} |" for k, v in self.as_dict().items()]
        return "\n".join(rows)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **{k: _coerce(k, v) for k, v in changes.items()})


_FIELD_TYPES = {f.name: f.type for f in fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    if name not in _FIELD_TYPES:
        raise ConfigError(f"unknown setting '{name}'", hint="run `qa config` to list the settings")
    kind = _FIELD_TYPES[name]
    try:
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "str":
            if not isinstance(value, (str, int, float)):
                raise ValueError(value)
            return str(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"setting '{name}' must be {kind}, got {value!r}", hint="fix the value in qa.toml or QA_*"
        ) from None
    return value


def load_settings(config_path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Build the effective settings (defaults < TOML < QA_* env < explicit overrides)."""
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    path = config_path or env.get("QA_CONFIG")
    if path is None and Path("qa.toml").is_file():
        path = "qa.toml"
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"settings file {p} not found", hint="create it or unset QA_CONFIG")
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"settings file {p} is not valid TOML: {exc}") from None
        if isinstance(data.get("qa"), dict):
            data = {**{k: v for k, v in data.items() if k != "qa"}, **data["qa"]}
        for key, value in data.items():
            values[key] = _coerce(key, value)
    for key, value in env.items():
        if key.startswith("QA_") and key != "QA_CONFIG":
            name = key[3:].lower()
            if name in _FIELD_TYPES:
                values[name] = _coerce(name, value)
    for key, value in overrides.items():
        if value is not None:
            values[key] = _coerce(key, value)
    return Settings(**values)
