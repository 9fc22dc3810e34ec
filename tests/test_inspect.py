"""`postcurate inspect`: rows, tokens, counts, shards and samples of a published snapshot; fails on a bad checksum."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import write_config

from postcurate.cli import main
from postcurate.commands.inspect import render
from postcurate.errors import EXIT_QUALITY_GATE_FAILED, EXIT_USER_ERROR
from postcurate.reader import open_snapshot, summarize


def _invoke(*args):
    return CliRunner().invoke(main, ["inspect", *args], catch_exceptions=False)


def test_json_summary_matches_the_manifest(published_snapshot):
    m = published_snapshot.manifest
    result = _invoke(str(published_snapshot.snapshot_path), "--json")
    assert result.exit_code == 0, result.output
    s = json.loads(result.stdout)
    assert s["snapshot_id"] == m["snapshot_id"]
    assert s["rows"] == s["rows_in_manifest"] == m["counts"]["kept"]
    assert s["by_split"] == m["counts"]["by_split"]
    assert s["by_country"] == m["counts"]["by_country"]
    assert sum(s["by_language"].values()) == m["counts"]["kept"]
    assert s["checksums_verified"] is True
    assert [x["path"] for x in s["shards"]] == sorted(x["path"] for x in m["shards"])
    assert s["bytes"] == sum(x["bytes"] for x in m["shards"])
    # Tokens: the documented estimate, characters / 4, over the text actually in the shards.
    chars = sum(len(t) for t in open_snapshot(published_snapshot.snapshot_path).table(columns=["text"])["text"].to_pylist())
    assert s["characters"] == chars and s["approx_tokens"] == chars // 4 and s["token_estimate"] == "characters / 4"


def test_samples_show_redacted_text_and_truncated_pseudonyms_only(published_snapshot):
    s = json.loads(_invoke(str(published_snapshot.snapshot_path), "--json", "--samples", "4").stdout)
    assert len(s["samples"]) == 4
    table = open_snapshot(published_snapshot.snapshot_path).table(columns=["post_pid", "author_pid", "text"])
    texts = {" ".join(t.split()) for t in table["text"].to_pylist()}
    for row in s["samples"]:
        assert re.fullmatch(r"[0-9a-f]{8}…", row["post"])
        assert row["text"].rstrip("…") and any(t.startswith(row["text"].rstrip("…")) for t in texts)
        assert set(row) == {"post", "split", "country", "lang", "platform", "post_type", "created_period", "text"}
    text = _invoke(str(published_snapshot.snapshot_path), "--samples", "4").output
    full_ids = set(table["post_pid"].to_pylist()) | set(table["author_pid"].to_pylist())
    assert not any(pid in text for pid in full_ids)
    assert not re.search(r"[0-9a-f]{64}", text)  # no full pseudonym or hash at all


def test_human_output(published_snapshot):
    m = published_snapshot.manifest
    root = published_snapshot.snapshot_path.parent.parent
    out = _invoke("--root", str(root)).output
    assert out.startswith(f"snapshot   {m['snapshot_id']}")
    assert f"rows       {m['counts']['kept']:,}\n" in out
    assert "estimate: characters / 4" in out
    assert f"all {len(m['shards'])} shards match the manifest (SHA-256)" in out
    for country, n in m["counts"]["by_country"].items():
        assert re.search(rf"^  {country}\s+{n:,}\s", out, re.M)
    assert "by language" in out and f"shards     {len(m['shards'])} files" in out


def test_locations_filters_and_default_root(published_snapshot, tmp_path, sample_lake):
    root = published_snapshot.snapshot_path.parent.parent
    sid = published_snapshot.snapshot_id
    by_root_id = json.loads(_invoke("--root", str(root), sid, "--json", "--samples", "0").stdout)
    assert by_root_id["snapshot_id"] == sid and by_root_id["samples"] == []
    config = write_config(tmp_path, sample_lake.root, root)
    by_config = json.loads(_invoke("--config", str(config), "--json", "--samples", "0").stdout)
    assert by_config["rows"] == published_snapshot.manifest["counts"]["kept"]
    country = next(iter(published_snapshot.manifest["counts"]["by_country"]))
    part = json.loads(_invoke(str(root), "--json", "--split", "train", "--country", country, "--samples", "1").stdout)
    assert part["by_split"] == {"train": part["rows"]} and set(part["by_country"]) == {country}
    (tmp_path / "other").mkdir()
    empty = write_config(tmp_path / "other", sample_lake.root, tmp_path / "nothing")
    result = CliRunner().invoke(main, ["inspect", "--config", str(empty)])
    assert result.exit_code == 2 and "postcurate demo" in result.output


def _change_a_byte(path, at: int, value: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[at] = data[at] ^ 0x01 if value is None else value
    path.write_bytes(bytes(data))


def test_a_corrupted_copy_fails_with_a_clear_error(published_snapshot, tmp_path):
    copy = tmp_path / published_snapshot.snapshot_path.name
    shutil.copytree(published_snapshot.snapshot_path, copy)
    victim = published_snapshot.manifest["shards"][-1]
    # A byte of the footer's writer name: the file still decodes, only its checksum can tell.
    _change_a_byte(copy / victim["path"], (copy / victim["path"]).read_bytes().rindex(b"parquet-mr"), ord("P"))
    result = CliRunner().invoke(main, ["inspect", str(copy)])
    assert result.exit_code == EXIT_QUALITY_GATE_FAILED  # as `validate` gives for the same fault (was 2)
    assert result.output.startswith("postcurate: error: shard ") and victim["path"] in result.output
    assert "fails its checksum" in result.output and "Traceback" not in result.output
    # --no-verify reads it anyway, and says it did not verify.
    skipped = CliRunner().invoke(main, ["inspect", str(copy), "--no-verify", "--json"])
    assert skipped.exit_code == 0, skipped.output
    assert json.loads(skipped.stdout)["checksums_verified"] is False
    # A byte that breaks decoding (the footer's length): unverified, it is a clear error too, not a stack trace.
    _change_a_byte(copy / victim["path"], len((copy / victim["path"]).read_bytes()) - 5, 0x7F)
    broken = CliRunner().invoke(main, ["inspect", str(copy), "--no-verify"])
    assert broken.exit_code == EXIT_QUALITY_GATE_FAILED and "Traceback" not in broken.output
    assert f"shard {victim['path']} cannot be read as Parquet" in broken.output and "not checked" in broken.output


def _flip_a_shard_byte(snap, m):
    _change_a_byte(snap / m["shards"][0]["path"], (snap / m["shards"][0]["path"]).stat().st_size // 2)
    return m["shards"][0]["path"]


def _remove_a_shard(snap, m):
    (snap / m["shards"][0]["path"]).unlink()
    return m["shards"][0]["path"]


def _add_an_unlisted_shard(snap, m):
    foreign = snap / m["shards"][0]["path"]
    shutil.copy(foreign, foreign.parent / "part-99999.parquet")
    return str((foreign.parent / "part-99999.parquet").relative_to(snap))


def _remove_the_manifest(snap, m):
    (snap / "manifest.json").unlink()
    return "manifest.json"


def _break_the_manifest_json(snap, m):
    (snap / "manifest.json").write_text('{"snapshot_id": "x", "shards": [')
    return "not valid JSON"


def _empty_the_manifest(snap, m):
    (snap / "manifest.json").write_text(json.dumps({"snapshot_id": m["snapshot_id"]}))
    return "no 'shards' list"


# A damaged published snapshot is a failed check (4); no snapshot at the path is the user's mistake (2).
FAULTS = {
    "changed byte": (_flip_a_shard_byte, EXIT_QUALITY_GATE_FAILED),
    "missing shard": (_remove_a_shard, EXIT_QUALITY_GATE_FAILED),
    "unlisted shard": (_add_an_unlisted_shard, EXIT_QUALITY_GATE_FAILED),
    "missing manifest": (_remove_the_manifest, EXIT_USER_ERROR),
    "malformed manifest": (_break_the_manifest_json, EXIT_QUALITY_GATE_FAILED),
    "manifest without shards": (_empty_the_manifest, EXIT_QUALITY_GATE_FAILED),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_inspect_and_validate_give_the_same_exit_code_for_the_same_fault(published_snapshot, tmp_path, fault):
    plant, code = FAULTS[fault]
    copy = tmp_path / published_snapshot.snapshot_path.name
    shutil.copytree(published_snapshot.snapshot_path, copy)
    named = plant(copy, published_snapshot.manifest)
    for command in ("inspect", "validate"):
        result = CliRunner().invoke(main, [command, str(copy)])
        assert result.exit_code == code, f"{command}: {result.output}"
        assert result.output.startswith("postcurate: error: ") and named in result.output, f"{command}: {result.output}"
        assert "Traceback" not in result.output


def test_render_handles_an_empty_selection(published_snapshot):
    s = summarize(open_snapshot(published_snapshot.snapshot_path).select(countries=["ZZ"]), samples=3)
    assert s["rows"] == 0 and s["samples"] == [] and s["approx_tokens"] == 0
    assert "rows       0" in render(s)
