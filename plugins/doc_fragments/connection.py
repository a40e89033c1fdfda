# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the connection options.

Written by tools/connection_options.py from plugins/module_utils/options.py, which defines them:
change them there, then run the tool.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Modules: extends_documentation_fragment: contentstack.personalize.connection
    DOCUMENTATION = r'''
options:
  region:
    description:
      - Contentstack region whose Personalize Management API to use, one of V(aws-na) (the default),
        V(aws-eu), V(aws-au), V(azure-na), V(azure-eu), V(gcp-na) or V(gcp-eu); the aliases V(na) and V(us)
        mean V(aws-na), V(eu) means V(aws-eu), V(au) means V(aws-au). Case does not matter.
      - Ignored when O(api_url) is set.
      - If not set, the value of the E(CONTENTSTACK_REGION) environment variable is used.
    type: str
  api_url:
    description:
      - Base URL of the Personalize Management API, for a custom region or a local emulator, for example
        V(https://personalize-api.contentstack.com). Takes precedence over O(region).
      - Must be C(http) or C(https) with a host and no query or fragment. Plain C(http) is accepted only for a
        loopback host (V(localhost), 127.0.0.0/8, V(::1)) unless O(allow_http=true).
      - If not set, the value of the E(CONTENTSTACK_PERSONALIZE_URL) environment variable is used.
    type: str
  project_uid:
    description:
      - The 24-character hexadecimal uid of the Personalize project, sent as the C(x-project-uid) header.
      - Needed by every project-scoped call (attributes, audiences, events, experiences).
      - If not set, the value of the E(CONTENTSTACK_PROJECT_UID) environment variable is used.
    type: str
  organization_uid:
    description:
      - The Contentstack organization uid, sent as the C(organization_uid) header when set; it also keys the
        shared rate limit.
      - Needed for project (organization level) calls. All processes working on one organization share its
        rate budget.
      - If not set, the value of the E(CONTENTSTACK_ORGANIZATION_UID) environment variable is used.
    type: str
  authtoken:
    description:
      - A Contentstack user authtoken, sent as the C(authtoken) header. Give exactly one of O(authtoken) and
        O(oauth_token).
      - Management tokens are not accepted by the Personalize Management API.
      - If not set, the value of the E(CONTENTSTACK_AUTHTOKEN) environment variable is used.
    type: str
  oauth_token:
    description:
      - An OAuth user access token (scopes C(personalize:read) or C(personalize:manage)), sent in the
        C(authorization) header as C(Bearer <token>). Give exactly one of O(authtoken) and O(oauth_token).
      - Give the bare token, without C(Bearer). Optional with O(oauth_refresh_token), which gets a new one
        when it expires (the first call refreshes when it is not given).
      - If not set, the value of the E(CONTENTSTACK_OAUTH_TOKEN) environment variable is used.
    type: str
  oauth_refresh_token:
    description:
      - 'The refresh token of an OAuth user token: the access token is refreshed with it before it expires and
        on a 401 that says it is invalid or expired, so a run can outlast the token''s hour. Needs
        O(oauth_client_id); cannot be given with O(authtoken).'
      - Every process of the user on this machine that uses the same credential refreshes it once, under a
        lock, and the newest token pair is kept in a private per-user directory (mode 0700, files 0600, named
        by a hash) under the system's temporary directory, so that the next run starts from it even after the
        configured refresh token was rotated away.
      - If not set, the value of the E(CONTENTSTACK_OAUTH_REFRESH_TOKEN) environment variable is used.
    type: str
  oauth_client_id:
    description:
      - The client id of the OAuth app that issued O(oauth_refresh_token); used only with it.
      - If not set, the value of the E(CONTENTSTACK_OAUTH_CLIENT_ID) environment variable is used.
    type: str
  oauth_client_secret:
    description:
      - The client secret of a confidential OAuth app, sent with each refresh; used only with
        O(oauth_refresh_token).
      - If not set, the value of the E(CONTENTSTACK_OAUTH_CLIENT_SECRET) environment variable is used.
    type: str
  oauth_redirect_uri:
    description:
      - The redirect URI of the OAuth app, sent with each refresh when given; used only with
        O(oauth_refresh_token).
      - If not set, the value of the E(CONTENTSTACK_OAUTH_REDIRECT_URI) environment variable is used.
    type: str
  oauth_token_url:
    description:
      - The OAuth token endpoint that refreshes O(oauth_refresh_token); by default the region's,
        C(https://<prefix>developerhub-api.contentstack.com/token) (no prefix for V(aws-na), V(eu-) for
        V(aws-eu), V(au-) for V(aws-au), V(azure-na-), V(azure-eu-), V(gcp-na-), V(gcp-eu-)).
      - Needed with a custom O(api_url) and no O(region). The same rules as for O(api_url) apply.
      - If not set, the value of the E(CONTENTSTACK_OAUTH_TOKEN_URL) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate.
      - If not set, the value of the E(CONTENTSTACK_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for a connection and for each response.
    type: int
    default: 30
  rate_limit:
    description:
      - Requests per second this client allows itself, shared through a lock file by every process that uses
        the same host and O(organization_uid) on this machine. V(0) turns pacing off.
      - The API allows 10 requests per second per organization.
      - If not set, the value of the E(CONTENTSTACK_RATE_LIMIT) environment variable is used.
    type: float
    default: 10.0
  max_retries:
    description:
      - How many times a failed call is retried (HTTP 429, 500, 502, 503, 504, connection errors and
        timeouts), with exponential backoff and jitter, honouring C(Retry-After).
      - A create (POST) is retried only when it certainly did not reach the server; when its answer is lost
        the module re-reads the object instead of sending it twice.
    type: int
    default: 6
  allow_http:
    description:
      - Allow a plain C(http) O(api_url) to a host that is not loopback. Tokens then travel unencrypted; meant
        for test networks only.
    type: bool
    default: false
  limits:
    description:
      - 'The project''s limits, when its plan has other ones than the documented defaults (100 attributes, 100
        events, 100 audiences, 100 experiences, 50 rules per audience, 20 variants per experience): a mapping
        of any of V(attributes), V(events), V(audiences), V(experiences), V(rules_per_audience) and
        V(variants_per_experience) to a whole number. A task that would go over a limit is refused before its
        first write.'
      - The C(contentstack.personalize.migrate) role sets it from C(migrate_limits).
      - If not set, the value of the E(CONTENTSTACK_PERSONALIZE_LIMITS) environment variable is used.
    type: dict
  listing_cache:
    description:
      - 'A key, unique to one run, under which the tasks and lookups of that run share the run''s listings:
        the Personalize project''s kinds and, for the stack side, the stack''s lists (variant groups, content
        types, entries and their variants). One given it starts from the listings that earlier ones with the
        same key left (kept true after their own writes) instead of listing them again, and leaves its own for
        the next one. Check mode reads them but never writes its predictions.'
      - Only for a sequence of tasks that are the only writers of the project while they run, such as the
        C(contentstack.personalize.migrate) role, which sets it. Without it every task lists what it needs.
      - The listings are kept in a private per-user directory (mode 0700) under the system's temporary
        directory, hold no token, and are removed a day later.
    type: str
notes:
  - The Personalize Management API allows 10 requests per second per organization; this collection paces
    itself (see O(rate_limit)) and retries throttled calls.
requirements:
  - requests
'''

    # Lookups and other plugins read the same options with get_option(); this adds only where else
    # each one can come from. extends_documentation_fragment: [contentstack.personalize.connection,
    # contentstack.personalize.connection.PLUGINS]
    PLUGINS = r'''
options:
  region:
    env:
      - name: CONTENTSTACK_REGION
    vars:
      - name: personalize_region
  api_url:
    env:
      - name: CONTENTSTACK_PERSONALIZE_URL
    vars:
      - name: personalize_api_url
  project_uid:
    env:
      - name: CONTENTSTACK_PROJECT_UID
    vars:
      - name: personalize_project_uid
  organization_uid:
    env:
      - name: CONTENTSTACK_ORGANIZATION_UID
    vars:
      - name: personalize_organization_uid
  authtoken:
    env:
      - name: CONTENTSTACK_AUTHTOKEN
    vars:
      - name: personalize_authtoken
  oauth_token:
    env:
      - name: CONTENTSTACK_OAUTH_TOKEN
    vars:
      - name: personalize_oauth_token
  oauth_refresh_token:
    env:
      - name: CONTENTSTACK_OAUTH_REFRESH_TOKEN
    vars:
      - name: personalize_oauth_refresh_token
  oauth_client_id:
    env:
      - name: CONTENTSTACK_OAUTH_CLIENT_ID
    vars:
      - name: personalize_oauth_client_id
  oauth_client_secret:
    env:
      - name: CONTENTSTACK_OAUTH_CLIENT_SECRET
    vars:
      - name: personalize_oauth_client_secret
  oauth_redirect_uri:
    env:
      - name: CONTENTSTACK_OAUTH_REDIRECT_URI
    vars:
      - name: personalize_oauth_redirect_uri
  oauth_token_url:
    env:
      - name: CONTENTSTACK_OAUTH_TOKEN_URL
    vars:
      - name: personalize_oauth_token_url
  validate_certs:
    env:
      - name: CONTENTSTACK_VALIDATE_CERTS
    vars:
      - name: personalize_validate_certs
  timeout:
    vars:
      - name: personalize_timeout
  rate_limit:
    env:
      - name: CONTENTSTACK_RATE_LIMIT
    vars:
      - name: personalize_rate_limit
  max_retries:
    vars:
      - name: personalize_max_retries
  allow_http:
    vars:
      - name: personalize_allow_http
  limits:
    env:
      - name: CONTENTSTACK_PERSONALIZE_LIMITS
'''

    # The stack options, only for what takes them: extends_documentation_fragment adds
    # contentstack.personalize.connection.STACK (and, for a plugin, .STACK_PLUGINS) after .connection
    STACK = r'''
options:
  stack_api_key:
    description:
      - The API key of the Contentstack stack connected to the project, sent as the C(api_key) header of the
        Content Management API calls (variant groups, content types, entries and their variants).
      - Only the modules and the role that manage the stack side take it.
      - If not set, the value of the E(CONTENTSTACK_STACK_API_KEY) environment variable is used.
    type: str
  cma_url:
    description:
      - Base URL of the Content Management API, for a custom region or a local emulator, for example
        V(https://api.contentstack.io); without it, the CMA of O(region).
      - The same rules as for O(api_url) apply. When O(api_url) is set, give O(cma_url) or O(region) too.
      - If not set, the value of the E(CONTENTSTACK_CMA_URL) environment variable is used.
    type: str
  branch:
    description:
      - The stack branch of the Content Management API calls, sent as the C(branch) header.
    type: str
    default: main
'''

    STACK_PLUGINS = r'''
options:
  stack_api_key:
    env:
      - name: CONTENTSTACK_STACK_API_KEY
    vars:
      - name: personalize_stack_api_key
  cma_url:
    env:
      - name: CONTENTSTACK_CMA_URL
    vars:
      - name: personalize_cma_url
  branch:
    vars:
      - name: personalize_branch
'''
