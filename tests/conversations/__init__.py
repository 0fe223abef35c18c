"""Multi-turn conversations through POST /chat: a labelled corpus, its runner, and its score."""
