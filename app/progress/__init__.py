"""Progress: the coverage rule, pace and RAG, their SQL facts, the kept summaries, charts."""
