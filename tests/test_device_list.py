"""Device lists for the AP-3.2 sample: identifiers, errors naming the line, reproducible draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhengan.device_list import new_seed, read_device_list, sample
from zhengan.yamlutil import InputFileError

DATA = Path(__file__).parent / "data" / "register"


def test_reads_the_hostname_column():
    devices = read_device_list((DATA / "devices_good.csv").read_bytes(), "devices_good.csv")
    assert devices.column == "hostname" and len(devices.devices) == 250
    assert devices.devices[0] == "ws-001"


def test_errors_name_file_line_and_column():
    with pytest.raises(InputFileError) as caught:
        read_device_list((DATA / "devices_bad.csv").read_bytes(), "devices_bad.csv")
    problems = caught.value.problems
    assert [(line, field) for line, field, _m in problems] == [(3, "hostname"), (5, "hostname")]
    assert "repeats line 2" in problems[1][2]
    assert "devices_bad.csv:3" in caught.value.describe()


def test_a_list_without_an_identifier_column_is_refused():
    with pytest.raises(InputFileError) as caught:
        read_device_list((DATA / "devices_no_id.csv").read_bytes(), "devices_no_id.csv")
    assert caught.value.problems[0][0] == 1


def test_same_list_and_seed_give_the_same_sample_and_hash():
    data = (DATA / "devices_good.csv").read_bytes()
    devices = read_device_list(data)
    seed = new_seed()
    first = sample(devices, 25, seed)
    # The same devices in reverse order and with other columns dropped: same hash, same sample.
    lines = data.decode().splitlines()
    shuffled = "\n".join(["hostname"] + [line.split(",")[0] for line in reversed(lines[1:])]).encode()
    again = read_device_list(shuffled)
    assert again.sha256 == devices.sha256
    assert sample(again, 25, seed) == first
    assert len(set(first)) == 25 and set(first) <= set(devices.devices)
    assert sample(devices, 25, seed + 1) != first
