"""shared_read.read_once against the emulator: the hosts of one run read one project once.

Each "host" is a thread with its own client (as each host of a play has its own worker process);
the emulator's request log counts the reads. A failed read is not shared, another credential or
another run never gets the file, and a corrupt file or an unsafe directory means "read"."""

import os
import stat
import threading

import pytest

from emulator.harness import SOURCE_PROJECT, SOURCE_RO_TOKEN, SOURCE_TOKEN, Emulator

from ansible_collections.contentstack.personalize.plugins.module_utils.client import PersonalizeClient
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.export import read as export_read, terms_of
from ansible_collections.contentstack.personalize.plugins.module_utils.runner import project_of
from ansible_collections.contentstack.personalize.plugins.module_utils.shared_read import READ, REUSED, key_of, read_once

RUN = (4242, "123456")
WHAT = {"kinds": sorted(terms_of(["all"])), "portable": False, "versions": True}


@pytest.fixture(scope="module")
def emu(tmp_path_factory):
    with Emulator(seeds=["retail"], tmp_path=tmp_path_factory.mktemp("emu")) as emulator:
        yield emulator


def client(emu, token=SOURCE_RO_TOKEN):
    return PersonalizeClient(api_url=emu.url, project_uid=SOURCE_PROJECT, authtoken=token, rate_limit=0, allow_http=True)


def export_of(c):
    return lambda: export_read(project_of(c, {}), WHAT["kinds"], False, True)


def hosts(emu, directory, count, run=RUN, token=SOURCE_RO_TOKEN):
    """``count`` threads reading at once; their (data, how, calls) in order."""
    out = [None] * count

    def one(n):
        c = client(emu, token)
        data, how = read_once(c, WHAT, export_of(c), directory=directory, run=run)
        out[n] = (data, how, c.stats["calls"])

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def source_reads(emu, mark):
    return [e for e in emu.log(mark) if e["project"] == SOURCE_PROJECT]


def test_one_api_read_for_every_host_of_a_run(emu, tmp_path):
    mark = emu.mark()
    alone = client(emu)
    expected = export_of(alone)()
    one_read = len(source_reads(emu, mark))
    assert one_read == alone.stats["calls"] > 0

    mark = emu.mark()
    results = hosts(emu, str(tmp_path), 5)
    assert len(source_reads(emu, mark)) == one_read
    assert sorted(how for _data, how, _calls in results) == [READ] + [REUSED] * 4
    assert sorted(calls for _data, _how, calls in results) == [0] * 4 + [one_read]
    assert all(data == expected for data, _how, _calls in results)
    # The file: private, named by a digest (no uid, no token), holding the export only.
    folder = tmp_path / "shared"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    (name,) = [n for n in os.listdir(folder) if n.endswith(".json")]
    assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600
    assert SOURCE_PROJECT not in name
    assert SOURCE_RO_TOKEN not in (folder / name).read_text()


def test_another_credential_or_another_run_reads_for_itself(emu, tmp_path):
    hosts(emu, str(tmp_path), 1)
    mark = emu.mark()
    (_data, how, calls), = hosts(emu, str(tmp_path), 1, token=SOURCE_TOKEN)
    assert how == READ and calls > 0
    (_data, how, calls), = hosts(emu, str(tmp_path), 1, run=(4242, "999999"))  # a pid reused by a later run
    assert how == READ and calls > 0
    assert len(source_reads(emu, mark)) == 2 * calls
    assert key_of(client(emu), WHAT, RUN) != key_of(client(emu), dict(WHAT, portable=True), RUN)


def test_a_failed_read_is_not_shared(emu, tmp_path):
    attempts = []

    def failing():
        attempts.append(1)
        raise PersonalizeError("the API is down")

    with pytest.raises(PersonalizeError):
        read_once(client(emu), WHAT, failing, directory=str(tmp_path), run=RUN)
    # The next host reads for itself (and shares its success).
    mark = emu.mark()
    (_data, how, calls), = hosts(emu, str(tmp_path), 1)
    assert how == READ and calls == len(source_reads(emu, mark)) > 0
    assert hosts(emu, str(tmp_path), 1)[0][1:] == (REUSED, 0)


def test_a_corrupt_file_or_an_unsafe_directory_means_read(emu, tmp_path):
    hosts(emu, str(tmp_path), 1)
    (name,) = [n for n in os.listdir(tmp_path / "shared") if n.endswith(".json")]
    (tmp_path / "shared" / name).write_text("{not json")
    (data, how, calls), = hosts(emu, str(tmp_path), 1)
    assert how == READ and calls > 0 and "attributes" in data
    assert hosts(emu, str(tmp_path), 1)[0][1:] == (REUSED, 0)  # the read replaced the corrupt file

    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    (data, how, calls), = hosts(emu, str(not_a_folder), 1)
    assert how == READ and calls > 0 and "attributes" in data
