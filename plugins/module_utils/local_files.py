# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: files that controller-side modules write (personalize_export_folder,
personalize_report), as ``ansible.builtin.file`` and ``ansible.builtin.copy`` would, without a module run.

A folder is made with its missing parents, each with the folder's mode; a file is compared byte for
byte and by mode, and written only when one of them differs, atomically: a temporary file in the same
folder, then a rename, so a killed run leaves the old file or the new one, never half of one.
``write_atomically`` is that one write, for the other files the collection keeps (the listing cache,
the OAuth token store, the copy lock).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat
import tempfile

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def missing_folders(folder):
    """The folders to make for ``folder`` (parents first); an error when a file stands in the way."""
    missing = []
    here = folder
    while not os.path.isdir(here):
        if os.path.lexists(here):
            raise PersonalizeError("%s is not a folder: nothing can be written there" % here)
        missing.insert(0, here)
        here = os.path.dirname(here)
    return missing


def make_folders(paths, mode):
    for path in paths:
        os.mkdir(path)
        os.chmod(path, mode)


def current(path):
    """(text or None when absent, mode bits or None) of one file; an error when it is a folder."""
    if os.path.isdir(path):
        raise PersonalizeError("%s is a folder: the file cannot be written there" % path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        return data.decode("utf-8", "replace"), mode_of(path)
    except FileNotFoundError:
        return None, None


def file_change(path, text, mode, absent=False):
    """``{path, before, after, write, chmod}`` when the file's text or mode differ from ``text`` and
    ``mode``, else None. ``absent``: its folder does not exist yet (nothing to read)."""
    before, have = (None, None) if absent else current(path)
    if before == text and have == mode:
        return None
    return {"path": path, "name": os.path.basename(path), "before": before, "after": text,
            "write": before != text, "chmod": before == text}


def write_atomically(path, data, mode, prefix=None):
    """Replace ``path`` with ``data`` (bytes, or text written as UTF-8) with mode ``mode``: a temporary
    file in ``path``'s folder (``prefix``, default ``.<name>.``), then ``os.replace``, so a killed run
    leaves the old file or the new one, never half of one. No fsync: a crash of the machine itself may
    lose the new file. An OSError is raised, and the temporary file removed."""
    if not isinstance(data, bytes):
        data = data.encode("utf-8")
    folder = os.path.dirname(path) or "."
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=prefix or "." + os.path.basename(path) + ".")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def apply_change(change, mode):
    """Carry out one ``file_change``."""
    if not change["write"]:
        os.chmod(change["path"], mode)
        return
    write_atomically(change["path"], change["after"], mode)


def plan_folder(folder, texts, folder_mode, file_mode, fix_folder_mode=True):
    """What writing ``texts`` (``[(name, text)]``) into ``folder`` changes: ``folders`` to make (parents
    first), ``folder_chmod`` (an existing folder's mode differs, and ``fix_folder_mode``), ``files``: the
    ``file_change`` of each file that changes, in the order given."""
    missing = missing_folders(folder)
    changes = [file_change(os.path.join(folder, name), text, file_mode, absent=bool(missing)) for name, text in texts]
    return {"folder": folder, "folders": missing, "folder_mode": folder_mode, "file_mode": file_mode,
            "folder_chmod": bool(fix_folder_mode and not missing and mode_of(folder) != folder_mode),
            "files": [c for c in changes if c is not None]}


def apply_folder(changes):
    """Carry out a ``plan_folder``: make the folders, set the folder's mode, write the files."""
    make_folders(changes["folders"], changes["folder_mode"])
    if changes["folder_chmod"]:
        os.chmod(changes["folder"], changes["folder_mode"])
    for change in changes["files"]:
        apply_change(change, changes["file_mode"])


def write_folder(folder, texts, folder_mode, file_mode, check_mode=False, fix_folder_mode=True):
    """``plan_folder``, carried out unless ``check_mode``; an OSError becomes a PersonalizeError naming the folder."""
    try:
        changes = plan_folder(folder, texts, folder_mode, file_mode, fix_folder_mode)
        if not check_mode:
            apply_folder(changes)
    except OSError as exc:
        raise PersonalizeError("cannot write the folder %s: %s" % (folder, exc.strerror or exc))
    return changes


def diff_of(change):
    """The per-file diff Ansible shows with --diff."""
    return {"before_header": change["path"], "after_header": change["path"],
            "before": change["before"] or "", "after": change["after"]}
