"""The garbage collector's tuning while a crawl's engine runs, and its undoing."""

from __future__ import annotations

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.extensions.collector import CollectorTuning


def tuning(threshold: int) -> CollectorTuning:
    crawler = get_crawler(settings_dict={"NEWSDESK_GC_THRESHOLD": threshold})
    return CollectorTuning.from_crawler(crawler)


def test_engines_tune_the_collector_and_the_last_one_to_stop_restores_it() -> None:
    before = gc.get_threshold()
    first, second = tuning(5000), tuning(5000)
    first.engine_started()
    assert gc.get_threshold()[0] == max(5000, before[0]) and gc.get_freeze_count() > 0
    second.engine_started()
    first.engine_stopped()
    assert gc.get_threshold()[0] == max(5000, before[0])  # the second crawl still runs
    second.engine_stopped()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    second.engine_stopped()  # a second stop signal changes nothing
    assert gc.get_threshold() == before


def test_a_threshold_of_zero_leaves_the_collector_alone() -> None:
    with pytest.raises(NotConfigured):
        tuning(0)
