"""policy-qa: offline question answering over Chinese policy documents with checked clause citations."""

__version__ = "0.1.0"
