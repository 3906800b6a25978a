{% comment %}Served by config.api.Docs in place of drf-spectacular's script, which writes a
CSRF token (and so sets a cookie) for requests that this read-only API never takes.{% endcomment %}"use strict";
SwaggerUIBundle({
  url: "{{ schema_url|escapejs }}",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  ...{{ settings|safe }},
});
