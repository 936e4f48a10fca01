"""For `scrapyd-deploy`, which builds an egg with `python setup.py bdist_egg`: the project's
metadata, its package data and its `scrapy` settings entry point are all in pyproject.toml."""

from setuptools import setup

setup()
