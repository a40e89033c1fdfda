# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for the get-pip script that ansible-test downloads to bootstrap pip.

Why: several ``ansible-test sanity`` tests build their own virtual environments and bootstrap pip
in them with a ``get-pip`` script downloaded from a host that air-gapped machines, machines behind
a strict proxy and this project's CI cannot reach. ansible-test then stops with "Download failed"
and says the script may be saved by hand to ``~/.ansible/test/cache/get_pip_<version>.py``
(ansible/ansible#77304). ``make sanity`` copies this file there, and only when no script is there
yet, so a real download or a file a user placed wins.

What it does (ansible-test runs it as ``__main__`` with pip-install arguments, for example
``--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel``):

1. bootstraps pip from the interpreter's own wheel with :mod:`ensurepip` (no network);
2. drops ``--no-setuptools`` and ``--no-wheel``, which only the real get-pip understands;
3. runs ``pip install`` with the remaining arguments (the pinned pip, from the package index
   pip is configured for), adding ``--cert`` with the system CA bundle. ansible-test runs pip
   with a filtered environment, so certificate settings from variables such as
   ``PIP_CERT`` or ``REQUESTS_CA_BUNDLE`` would otherwise be lost.
"""

import os
import ssl
import subprocess
import sys

GET_PIP_ONLY_FLAGS = ("--no-setuptools", "--no-wheel")


def pip_arguments(argv):
    """The pip install arguments: argv without get-pip's own flags, with the CA bundle if known."""
    args = [arg for arg in argv if arg not in GET_PIP_ONLY_FLAGS]
    cafile = ssl.get_default_verify_paths().cafile
    if cafile and os.path.isfile(cafile) and "--cert" not in args:
        args = ["--cert", cafile] + args
    return args


def main(argv):
    import ensurepip

    ensurepip.bootstrap(upgrade=True)
    if not [arg for arg in argv if not arg.startswith("-")]:
        return 0  # nothing to install beyond the bundled pip
    return subprocess.call([sys.executable, "-m", "pip", "install"] + pip_arguments(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
