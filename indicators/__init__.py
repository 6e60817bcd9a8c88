"""Bilateral economic indicators: curated YAML datasets, their validator, frames and charts."""

from indicators.dataset import Dataset
from indicators.loader import load_dataset, validate_dataset
from indicators.problems import Problem, Report

__all__ = ["Dataset", "Problem", "Report", "load_dataset", "validate_dataset"]
