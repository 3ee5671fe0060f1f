"""Serving helpers: an OpenAI-compatible engine process (llama.cpp) for tests, benchmarks and operators."""
