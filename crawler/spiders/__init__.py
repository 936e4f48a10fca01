"""Spiders. Every declared site is a spider of the same class: see crawler.spiders.loader."""
