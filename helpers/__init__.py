"""Helpers for the LLM fine-tuning course: profiles, data, models, training, metrics, plots, report.

Import the modules you need, e.g. `from helpers.profiles import resolve_profile`.
"""

__version__ = "0.1.0"
