"""The attribution layer of the quote finder: who said each passage. **Advisory only.**

Nothing here may feed an editorial rule. Its answers are proposals an editor accepts or
rejects on the desk (``Suggestion``), the ``cue`` and ``anonymous`` of a finding, and the
reported claims (``"claim"`` findings) the desk lists; the publish gate and a correction's
integrity check read only the rule layer (``articles.quotes.spans``, ``coverage``). So this
layer can learn new patterns from the corpus (``manage.py evaluate_attributions``) without
changing what blocks a publish.

Organised by pattern, as the corpus (``tests/corpus/attribution/README.md``) names them:

- ``text``, ``names``, ``vocabulary``: words, sentences, capitalised runs, word lists;
- ``cues``: the cue reader, which asks each pattern in turn:
  ``anonymous`` (unnamed sources), ``documents`` ("according to", documents and data and
  who made them), ``cue_verbs`` (said, told, wrote, posted, called it …), ``appositives``
  ("The airport's manager, Jane Roe, said"), ``inverted`` ("…,” said Roe"), ``frames``
  ("in a statement", "told Reuters");
- ``cast``: the people, organisations, outlets and documents a story introduces;
- ``resolve``: each cue to a source, through ``pronouns``, ``surnames`` (and short names:
  "the Ledger") and ``titles`` ("the ambassador", "the guild");
- ``registry``: matching against the sources already on file, after the story;
- ``analysis``: which cue each passage takes, and ``Reading``, one analysis per body.

Everything is a linear pass over the text with small bounded look-arounds; the regular
expressions have no nested unbounded quantifiers.
"""
