"""Scrapy extensions: run records and drift, redirect recording."""
