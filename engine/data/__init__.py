"""Datasets for the network to learn: the course's built-ins (engine.data.builtin) and the
user's own CSV or NPZ files (engine.data.files), found by engine.data.sources.load_dataset."""

from engine.data.builtin import BUILTIN_DATASETS
from engine.data.files import MAX_FILE_BYTES
from engine.data.sources import describe_sources, load_dataset

__all__ = ["BUILTIN_DATASETS", "MAX_FILE_BYTES", "describe_sources", "load_dataset"]
