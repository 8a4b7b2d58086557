"""Shared pytest set-up: a headless matplotlib and the repository root."""
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # tests never open windows
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
