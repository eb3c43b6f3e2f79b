"""The language layer: what a typed message says, read the way clinical NLP reads notes.

- `lexicon`: dialogs/language.yaml read and validated (concepts by slot value, the ConText
  triggers for negation, hedging and contrast, emergency signs, typo corrections);
- `numbers`: durations, distances and ages with their units and number words;
- `phrases`: the lexicon's literal phrases matched in one pass over the tokens;
- `pipeline`: a blank spaCy pipeline with medspaCy's TargetMatcher and ConText built from the
  lexicon, and fuzzy spelling correction (rapidfuzz): mentions with their sense;
- `understand`: the typed-answer safety policy applied to those mentions: the asked question's
  answer, the facts volunteered, what must be confirmed, an emergency.
"""
