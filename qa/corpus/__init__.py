"""Corpus stage: read policy documents, normalise them, cut them into clauses, chunk them.

Public API (other stages depend on these names):

* :func:`normalize` — the normalised form of a string (documents, chunks and quotes use it);
* :func:`parse_text` / :func:`parse_file` → :class:`Document` with its :class:`Unit` s;
* :func:`load_corpus` → :class:`CorpusLoad` (``documents`` sorted by doc_id, ``problems``);
* :func:`chunk_document` → ``list[qa.types.Chunk]``; :data:`CHUNKER_VERSION`.
"""

from qa.corpus.chunking import CHUNKER_VERSION, chunk_document
from qa.corpus.normalize import normalize
from qa.corpus.readers import SUPPORTED_SUFFIXES, CorpusLoad, Limits, load_corpus, parse_file
from qa.corpus.structure import Document, Unit, parse_departments, parse_text

__all__ = [
    "CHUNKER_VERSION",
    "SUPPORTED_SUFFIXES",
    "CorpusLoad",
    "Limits",
    "Document",
    "Unit",
    "chunk_document",
    "load_corpus",
    "normalize",
    "parse_departments",
    "parse_file",
    "parse_text",
]
