"""Docs test only: the public API hosts the docs name answer from the local emulators.

tests/integration/snippets.py puts this folder on PYTHONPATH and sets PERSONALIZE_DOCS_REDIRECTS
to a JSON mapping of base URLs (``https://eu-personalize-api.contentstack.com``) to emulator URLs.
Every request the collection's client sends through requests is then re-addressed at the
transport, after the client has built and checked it: the snippets run with the regions they are
written with, as /etc/hosts entries would make them.
"""

import json
import os

_REDIRECTS = json.loads(os.environ.get("PERSONALIZE_DOCS_REDIRECTS") or "{}")

if _REDIRECTS:
    try:
        import requests.adapters
    except ImportError:  # a Python without requests runs nothing of the collection
        requests = None
    if requests is not None:
        _send = requests.adapters.HTTPAdapter.send

        def _redirected_send(self, request, *args, **kwargs):
            for prefix, target in _REDIRECTS.items():
                if request.url == prefix or request.url.startswith(prefix + "/"):
                    request.url = target + request.url[len(prefix):]
                    break
            return _send(self, request, *args, **kwargs)

        requests.adapters.HTTPAdapter.send = _redirected_send
