# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options, defined once.

Everything else follows from ``OPTIONS``: the modules' argspec (``CONNECTION_ARGSPEC``), and, written
by ``tools/connection_options.py`` because Ansible reads them as static files, the doc fragment
``plugins/doc_fragments/connection.py``, the connection options of both sides in the migrate role's
``meta/argument_specs.yml``, the ``module_defaults`` of ``playbooks/apply.yml`` and the table in
``docs/user-guide.md``. ``tests/unit/test_connection_drift.py`` fails when one of them drifts.

An option with ``extra`` set (the stack side's ``stack_api_key``, ``cma_url`` and ``branch``) belongs
only to what asks for its set: ``connection_argspec("stack")`` for a module, the doc fragment
``connection.STACK``, ``complete_connection(given, extras=("stack",))``. Both sides of the migrate
role and the user guide's table show every option.

An option's paragraphs use Ansible's markup (``O()`` names another option of this table); the first
paragraph is the summary that the role's argument spec and the user guide show.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.contentstack.personalize.plugins.module_utils.client import DEFAULT_BRANCH, DEFAULTS, PersonalizeClient

# The prefix of the variable that sets an option in the playbooks and the lookup (personalize_region, ...).
VARIABLE_PREFIX = "personalize_"


class Option(object):
    """One connection option. ``connection=False`` marks an option that does not say where or as
    whom a call goes (``listing_cache``): it is not given to the client, has no variable, and is not
    an input of the migrate role, which sets it itself. ``extra`` names the set of an option that only
    the modules asking for that set take (``"stack"``); None: every module takes it. ``no_log``: True
    for a secret; False said explicitly for a name that looks like one to validate-modules
    (no-log-needed: ``token``, ``key``, ...) but is not, so that the spec says so; None: not said."""

    def __init__(self, name, kind, description, default=None, no_log=None, env=None, connection=True, extra=None):
        self.name = name
        self.type = kind
        self.description = tuple(description)
        self.default = default
        self.no_log = bool(no_log)
        self.no_log_said = no_log is not None
        self.env = env
        self.connection = connection
        self.extra = extra

    @property
    def variable(self):
        return VARIABLE_PREFIX + self.name if self.connection else None

    @property
    def unset(self):
        """The value a complete connection mapping holds for an option left out: the default, or an
        empty string, which counts as not set and, unlike a missing key, lets no environment variable in."""
        return self.default if self.default is not None else ""

    def argspec(self):
        spec = {"type": self.type}
        if self.default is not None:
            spec["default"] = self.default
        if self.no_log_said:
            spec["no_log"] = self.no_log
        if self.env:
            spec["fallback"] = (env_fallback, [self.env])
        return spec


OPTIONS = (
    Option("region", "str", env="CONTENTSTACK_REGION", description=(
        "Contentstack region whose Personalize Management API to use, one of V(aws-na) (the default), V(aws-eu),"
        " V(aws-au), V(azure-na), V(azure-eu), V(gcp-na) or V(gcp-eu); the aliases V(na) and V(us) mean V(aws-na),"
        " V(eu) means V(aws-eu), V(au) means V(aws-au). Case does not matter.",
        "Ignored when O(api_url) is set.",
    )),
    Option("api_url", "str", env="CONTENTSTACK_PERSONALIZE_URL", description=(
        "Base URL of the Personalize Management API, for a custom region or a local emulator, for example"
        " V(https://personalize-api.contentstack.com). Takes precedence over O(region).",
        "Must be C(http) or C(https) with a host and no query or fragment. Plain C(http) is accepted only for"
        " a loopback host (V(localhost), 127.0.0.0/8, V(::1)) unless O(allow_http=true).",
    )),
    Option("project_uid", "str", env="CONTENTSTACK_PROJECT_UID", description=(
        "The 24-character hexadecimal uid of the Personalize project, sent as the C(x-project-uid) header.",
        "Needed by every project-scoped call (attributes, audiences, events, experiences).",
    )),
    Option("organization_uid", "str", env="CONTENTSTACK_ORGANIZATION_UID", description=(
        "The Contentstack organization uid, sent as the C(organization_uid) header when set; it also keys the"
        " shared rate limit.",
        "Needed for project (organization level) calls. All processes working on one organization share its"
        " rate budget.",
    )),
    Option("authtoken", "str", no_log=True, env="CONTENTSTACK_AUTHTOKEN", description=(
        "A Contentstack user authtoken, sent as the C(authtoken) header. Give exactly one of O(authtoken)"
        " and O(oauth_token).",
        "Management tokens are not accepted by the Personalize Management API.",
    )),
    Option("oauth_token", "str", no_log=True, env="CONTENTSTACK_OAUTH_TOKEN", description=(
        "An OAuth user access token (scopes C(personalize:read) or C(personalize:manage)), sent in the"
        " C(authorization) header as C(Bearer <token>). Give exactly one of O(authtoken) and O(oauth_token).",
        "Give the bare token, without C(Bearer). Optional with O(oauth_refresh_token), which gets a new one when it"
        " expires (the first call refreshes when it is not given).",
    )),
    Option("oauth_refresh_token", "str", no_log=True, env="CONTENTSTACK_OAUTH_REFRESH_TOKEN", description=(
        "The refresh token of an OAuth user token: the access token is refreshed with it before it expires and"
        " on a 401 that says it is invalid or expired, so a run can outlast the token's hour. Needs"
        " O(oauth_client_id); cannot be given with O(authtoken).",
        "Every process of the user on this machine that uses the same credential refreshes it once, under a"
        " lock, and the newest token pair is kept in a private per-user directory (mode 0700, files 0600, named"
        " by a hash) under the system's temporary directory, so that the next run starts from it even after the"
        " configured refresh token was rotated away.",
    )),
    Option("oauth_client_id", "str", env="CONTENTSTACK_OAUTH_CLIENT_ID", description=(
        "The client id of the OAuth app that issued O(oauth_refresh_token); used only with it.",
    )),
    Option("oauth_client_secret", "str", no_log=True, env="CONTENTSTACK_OAUTH_CLIENT_SECRET", description=(
        "The client secret of a confidential OAuth app, sent with each refresh; used only with"
        " O(oauth_refresh_token).",
    )),
    Option("oauth_redirect_uri", "str", env="CONTENTSTACK_OAUTH_REDIRECT_URI", description=(
        "The redirect URI of the OAuth app, sent with each refresh when given; used only with"
        " O(oauth_refresh_token).",
    )),
    Option("oauth_token_url", "str", no_log=False, env="CONTENTSTACK_OAUTH_TOKEN_URL", description=(
        "The OAuth token endpoint that refreshes O(oauth_refresh_token); by default the region's,"
        " C(https://<prefix>developerhub-api.contentstack.com/token) (no prefix for V(aws-na), V(eu-) for"
        " V(aws-eu), V(au-) for V(aws-au), V(azure-na-), V(azure-eu-), V(gcp-na-), V(gcp-eu-)).",
        "Needed with a custom O(api_url) and no O(region). The same rules as for O(api_url) apply.",
    )),
    Option("validate_certs", "bool", default=DEFAULTS["validate_certs"], env="CONTENTSTACK_VALIDATE_CERTS", description=(
        "Whether to verify the server's TLS certificate.",
    )),
    Option("timeout", "int", default=DEFAULTS["timeout"], description=(
        "Seconds to wait for a connection and for each response.",
    )),
    Option("rate_limit", "float", default=DEFAULTS["rate_limit"], env="CONTENTSTACK_RATE_LIMIT", description=(
        "Requests per second this client allows itself, shared through a lock file by every process that uses"
        " the same host and O(organization_uid) on this machine. V(0) turns pacing off.",
        "The API allows 10 requests per second per organization.",
    )),
    Option("max_retries", "int", default=DEFAULTS["max_retries"], description=(
        "How many times a failed call is retried (HTTP 429, 500, 502, 503, 504, connection errors and"
        " timeouts), with exponential backoff and jitter, honouring C(Retry-After).",
        "A create (POST) is retried only when it certainly did not reach the server; when its answer is lost"
        " the module re-reads the object instead of sending it twice.",
    )),
    Option("allow_http", "bool", default=DEFAULTS["allow_http"], description=(
        "Allow a plain C(http) O(api_url) to a host that is not loopback. Tokens then travel unencrypted;"
        " meant for test networks only.",
    )),
    Option("stack_api_key", "str", no_log=False, env="CONTENTSTACK_STACK_API_KEY", extra="stack", description=(
        "The API key of the Contentstack stack connected to the project, sent as the C(api_key) header of the"
        " Content Management API calls (variant groups, content types, entries and their variants).",
        "Only the modules and the role that manage the stack side take it.",
    )),
    Option("cma_url", "str", env="CONTENTSTACK_CMA_URL", extra="stack", description=(
        "Base URL of the Content Management API, for a custom region or a local emulator, for example"
        " V(https://api.contentstack.io); without it, the CMA of O(region).",
        "The same rules as for O(api_url) apply. When O(api_url) is set, give O(cma_url) or O(region) too.",
    )),
    Option("branch", "str", default=DEFAULT_BRANCH, extra="stack", description=(
        "The stack branch of the Content Management API calls, sent as the C(branch) header.",
    )),
    Option("limits", "dict", connection=False, env="CONTENTSTACK_PERSONALIZE_LIMITS", description=(
        "The project's limits, when its plan has other ones than the documented defaults (100 attributes, 100"
        " events, 100 audiences, 100 experiences, 50 rules per audience, 20 variants per experience): a mapping"
        " of any of V(attributes), V(events), V(audiences), V(experiences), V(rules_per_audience) and"
        " V(variants_per_experience) to a whole number. A task that would go over a limit is refused before"
        " its first write.",
        "The C(contentstack.personalize.migrate) role sets it from C(migrate_limits).",
    )),
    Option("listing_cache", "str", connection=False, description=(
        "A key, unique to one run, under which the tasks and lookups of that run share the run's listings: the"
        " Personalize project's kinds and, for the stack side, the stack's lists (variant groups, content types,"
        " entries and their variants). One given it starts from the listings that earlier ones with the same key"
        " left (kept true after their own writes) instead of listing them again, and leaves its own for the next"
        " one. Check mode reads them but never writes its predictions.",
        "Only for a sequence of tasks that are the only writers of the project while they run, such as the"
        " C(contentstack.personalize.migrate) role, which sets it. Without it every task lists what it needs.",
        "The listings are kept in a private per-user directory (mode 0700) under the system's temporary"
        " directory, hold no token, and are removed a day later.",
    )),
)

BY_NAME = dict((option.name, option) for option in OPTIONS)

# Options that say one thing two ways (where calls go; as whom), each pair as its two sides: where an option
# of one side is given, the other side is taken from nothing less direct (a lookup's keyword over the
# variables, an entry over the environment); the rest of the given side may still come from there. The
# OAuth side is every oauth_* option: an access token, or a refresh token with its app's settings.
OAUTH_OPTIONS = tuple(option.name for option in OPTIONS if option.name.startswith("oauth_"))
PAIRS = ((("region",), ("api_url",)), (("authtoken",), OAUTH_OPTIONS))


def other_side(name):
    """The options of the other side of ``name``'s pair (PAIRS); () for an option in no pair."""
    for pair in PAIRS:
        for side, other in (pair, pair[::-1]):
            if name in side:
                return other
    return ()


EXTRAS = ("stack",)

# Every module's connection options; ``connection_argspec(extra, ...)`` adds the sets a module asks for.
CONNECTION_ARGSPEC = dict((option.name, option.argspec()) for option in OPTIONS if option.extra is None)

# What the client takes, and what a playbook, the lookup's vars and each side of the migrate role set
# (the stack set apart: EXTRA_OPTIONS).
CLIENT_OPTIONS = tuple(option.name for option in OPTIONS if option.connection and option.extra is None)
EXTRA_OPTIONS = dict((extra, tuple(o.name for o in OPTIONS if o.extra == extra)) for extra in EXTRAS)


def connection_argspec(*extras):
    """The connection argspec of a module that also takes the options of ``extras`` (such as ``"stack"``)."""
    return dict((option.name, option.argspec()) for option in OPTIONS if option.extra is None or option.extra in extras)


def _names(extras):
    for extra in extras:
        if extra not in EXTRA_OPTIONS:
            raise ValueError("unknown set of options %r" % (extra,))
    return CLIENT_OPTIONS + tuple(name for extra in extras for name in EXTRA_OPTIONS[extra])


def complete_connection(given, extras=()):
    """Every client option of a connection mapping (and of the sets ``extras``), those left out (or null)
    set to ``Option.unset``, so that nothing from the CONTENTSTACK_* environment or another mapping can
    fill them. Other keys (a project name, a label) are dropped."""
    out = {}
    for name in _names(extras):
        value = given.get(name)
        out[name] = BY_NAME[name].unset if value is None else value
    return out


def _client(values):
    names = _names(EXTRAS)
    return PersonalizeClient(**dict((name, values[name]) for name in names if values.get(name) is not None))


def client_from_module_params(params):
    """Build the client from validated module params (or any mapping of options). Raises PersonalizeError."""
    return _client(params)


def client_from_plugin(get_option):
    """Build the client from a plugin's ``get_option`` (lookups, action plugins).

    Options the plugin does not define are left at the client's defaults. Raises
    PersonalizeError; the plugin turns it into AnsibleError.
    """
    values = {}
    for name in _names(EXTRAS):
        try:
            values[name] = get_option(name)
        except KeyError:
            values[name] = None
    return _client(values)
