"""Bilateral economic indicators: curated YAML datasets, their validator, frames and charts."""

from .dataset import Dataset
from .loader import load_dataset, validate_dataset
from .problems import Problem, Report

__all__ = ["Dataset", "Problem", "Report", "load_dataset", "validate_dataset"]
