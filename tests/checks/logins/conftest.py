from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhengan.checks.logins.synth import generate

DATA = Path(__file__).resolve().parents[2] / "data" / "logins"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def synthetic_day(tmp_path_factory) -> tuple[Path, dict]:
    """A 40,000-event synthetic day (CSV and Parquet) with its ground truth and firm configuration."""
    folder = tmp_path_factory.mktemp("synth")
    generate(folder, 40_000, seed=11, formats=("csv", "parquet"))
    return folder, json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    from zhengan.checks.logins.engines.spark_engine import session

    spark = session("local[2]", shuffle_partitions=2)
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()
