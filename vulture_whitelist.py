# Names vulture cannot see used: read by a framework, a template, a migration
# or a test, or set through getattr/setattr, keyword lookups and string paths.
# Framework conventions matched by pattern are in pyproject.toml's [tool.vulture].
# ruff: noqa
_ = object()

# Model fields: columns, read by forms, templates, filters and getattr(f"{role}_...").
_.forced
_.key_hash
_.last_used
_.last_sign_in
_.revoked_by  # an API token's, shown in the admin
_.log_entry
_.created_by
_.raised_at
_.raised_by
_.scheduled_by
_.added_by
_.recorded_by
_.file_size
_.review_cycle_months
_.business_processes
_.environment_urls
_.outage_impact
_.support_tiers
_.out_of_hours_cover
_.on_call
_.availability_target
_.slos
_.measured_how
_.supplier_targets
_.health_checks
_.alerting
_.severities
_.escalation_path
_.communications
_.post_incident_reviews
_.release_frequency
_.standard_changes
_.known_errors
_.rto
_.rpo
_.disaster_definition
_.recovery_invoked_by
_.recovery_steps
_.backup_arrangements
_.last_dr_test
_.load_tested_to
_.scaling
_.access_arrangements
_.last_penetration_test
_.personal_data_held
_.dpia_status
_.knowledge_transfer
_.early_life_support
_.osr_manager_approved_by
_.osr_manager_approver
_.osr_manager_approved_at
_.live_services_manager_approved_by
_.live_services_manager_approver
_.live_services_manager_approved_at

# Choices members: stored values, offered in forms and named in policy and fixtures.
_.SUPPORT
_.CDP
_.AZURE
_.AWS
_.ON_PREMISES
_.NOT_REQUIRED
_.COMPLETED
_.UPTIME
_.DEPLOYMENT
_.QUALITY_ASSURANCE
_.LIVE_LIKE_TESTING
_.MONITORING
_.ORGANISATIONAL
_.END_TO_END
_.INCIDENT
_.CHANGE

# API schema fields, filled from the object or a resolver and serialised by name.
_.hook_url
_.changes_raised
_.myit_url
_.changes_since
_.downloads
_.latest_version
_.approved_version
_.changed_sections
_.support_documentation_met
_.removed
_.ready_for_next_phase
_.pdf_url
_.last_delivery_at
_.secret_changed_at
_.requested_at
_.queued_at
_.started_at
_.finished_at
_.reviewed_at
_.pack_assembled_at
# django-ninja pagination: the paginator's output schema and its hooks.
_.Output
_.items_attribute
_.paginate_queryset

# Read by Jinja2 templates.
_.url_name
_.prefixes
_.live_dependencies
_.automatic
_.live_data_due
_.colour
_.guidance
_.blocked
_.is_overdue
_.participant_names  # also the rehearsal schema's field alias
_.schema  # the guide document's format version, written into every export
_.default_sort  # a list's order when its address asks for none, marked on its header
_.history_href  # an audit entry's link to its object's whole history

# Django: forms, widgets, views, error handlers, upload_to, auth and CSRF.
_.search  # django-filter's method="search"
_.widget
_.disabled
_.allow_multiple_selected
_.label_from_instance  # a ModelChoiceField's option label
_.uploads
_.redirect_authenticated_user
_.form_invalid
_.access  # the API token form's field, read from cleaned_data by name
_.is_staff
_._dont_enforce_csrf_checks
_.permission_denied  # handler403/404/500 in osr/urls.py
_.page_not_found
_.server_error
_.exception
_.filename
_.application  # WSGI entry point
_.__annotations__  # read by django-ninja when it wraps a paginated view

# Named in settings: LOGGING's filter and formatter.
_.RequestIdFilter
_.JsonFormatter

# mozilla-django-oidc's backend and views: settings and hooks it reads by name.
_.OIDC_RP_IDP_SIGN_KEY
_.OIDC_OP_TOKEN_ENDPOINT
_.OIDC_OP_JWKS_ENDPOINT
_.OIDC_OP_AUTH_ENDPOINT
_._verify_jws
_.get_userinfo
_.access_token
_.id_token
_.verify_claims
_.filter_users_by_claims
_.update_user
_.login_failure

# Third-party interfaces: prometheus collectors, tarfile members, python-docx.
_.collect
_.gid
_.gname
_.uname
_.mtime
_.bold
_.space_after
_.tblStyle_val
_.author
_.left_margin
_.right_margin
_.top_margin
_.bottom_margin
_.header_distance
_.footer_distance
_.page_width
_.page_height
_.line_spacing
_.space_before
_.keep_with_next
_.keep_together
_.last_modified_by
_.category
_.keywords
_.comments
_.content_status
_.revision
_.identifier
_.modified
_.rgb
_.exc  # __exit__(*exc)

# Used by migrations (not scanned), tests and benchmarks.
_.seal_existing  # core migration 0003
_.forget  # graph index: tests and bench start as a fresh process would
_.build_index  # graph index from plain rows: the tests' small estates
_.nearest_live_data_flows  # impact summary schema fields, read by ninja
_.routes_to_critical_live
_.external_nodes
_.register_live_data_obligations  # the graph's hook, documented in graph/hooks.py
_.inject  # the fake MyIT server's test controls
_.writes
_.requests_with_cookie

# Daily jobs named by OSR_DAILY_JOBS in settings (not scanned); the review boards'
# notification kinds, used by their notices; outbox fields written through update().
_.send_expiry_warnings
_.refresh_due
_.send_digests
_.sweep_outbox
_.anchor_daily
_.BOARD_SCHEDULED
_.OUTCOME_RECORDED
_.ACTION_DUE
_.ACTION_OVERDUE
_.next_attempt_at
_.claim
_.claimed_until
_.sent_at

# Read by the home page sections' templates.
_.introduction
_.how
_.last_day

# Review boards: auditlog reads get_additional_data (the reason kept with a correction);
# a board change's made_at is shown by the board page and the API.
_.get_additional_data
_.made_at

# Django form hooks the import's preloaded forms override (graph/preloaded.py).
_._check_values
_._post_clean
_.__class__

# A daily job named in settings.OSR_DAILY_JOBS; a path converter's interface, read by Django.
_.send_contact_reminders
_.regex
_.to_url

# Gunicorn's settings and hooks, read by gunicorn from osr.core.serving.
_.child_exit
_.when_ready
_.preload_app
_.max_requests
_.max_requests_jitter
_.accesslog

# Pydantic's model configuration and ninja's operation hook, overridden in osr.core.api_contract.
_.model_config
_._get_values

# The services' search index: the migration runs create/drop; Django calls a lookup's hooks.
_.drop
_.ContainsAnyCase
_.lookup_name
_.get_db_prep_lookup
_.as_sql

# Readiness over time: the daily job (named in settings), snapshot and plan columns read
# by the admin and the API, API schema fields, and the policy comparison form's field.
_.record_yesterday
_.live_data_outstanding
_.recorded_at
_.started_by
_.projected_on
_.pace_per_week
_.new_policy

# Stored readiness results: columns filtered and written through the ORM by name.
_.policy_digest
_.stale
_.blocker_count

# Read by name: a form field's API type (core/resources.py), Django's model state after
# a bulk insert, API schema fields and change columns listed by the estate's changes.
_.api_input_type
_.db
_.open_requirements
_.affects_live_data

# What tests use of the blast radius and of the fake MyIT's switches (a field removed,
# an ACL, an hourly limit, its clock moved on).
_.named_all
_.remove_field
_.deny
_.rate_limit
_.advance

# A daily job named in settings.OSR_DAILY_JOBS; a command's attribute Django reads; the
# note a service's pre_save leaves for its post_save (graph/signals.py).
_.prune_finished_tasks
_.requires_system_checks
_._changes_graph

# Waits for a graph index rebuild running beside the requests; the tests wait on it.
_.settle

# django-filter reads it when it builds the filter set's form (``FilterSet.__init__``).
_.form_prefix
