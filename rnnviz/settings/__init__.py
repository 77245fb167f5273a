"""The settings every view is built from: one ``Spec`` per setting says everything about it.

One table (``SPECS``) serves the frame builder (``rnnviz.frame``), the Explorer's traits,
both control sets and the exported page, so a slider's range, its label and the values
Python accepts can never disagree. The package holds one concept per module:

=================  ======================================================================
``specs.py``       ``Spec``, ``SPECS``: each setting's default, kind, range or choices,
                   meaning (every error message quotes it), label and control;
                   ``CONTROLS``, ``DEFAULTS``, ``OVERLAYS``
``rules.py``       the rules linking settings, in one function, :func:`implied_changes`
                   (architecture ⇔ return_sequences, decoder_steps for seq2seq only, the
                   sentence's features and timesteps, truncate ≤ timesteps), and
                   :func:`non_default`
``validate.py``    :func:`check_setting` (one value on its own) and
                   :func:`validate_settings` (a whole set, with the rules)
``errors.py``      the errors for unknown settings, keyword arguments and attributes,
                   with did-you-mean hints
=================  ======================================================================

Every public name is imported from here (``from rnnviz.settings import SPECS``).

Imports no widget library (checked by ``tests/test_layering.py``). Messages use
the learner's vocabulary (units, timesteps, features, batch).
"""

from __future__ import annotations

from rnnviz.settings.errors import did_you_mean, unknown_attribute, unknown_keywords
from rnnviz.settings.rules import implied_changes, non_default
from rnnviz.settings.specs import CONTROLS, DEFAULTS, OVERLAYS, SPECS, Spec
from rnnviz.settings.validate import check_setting, validate_settings

__all__ = [
    "CONTROLS",
    "DEFAULTS",
    "OVERLAYS",
    "SPECS",
    "Spec",
    "check_setting",
    "did_you_mean",
    "implied_changes",
    "non_default",
    "unknown_attribute",
    "unknown_keywords",
    "validate_settings",
]
