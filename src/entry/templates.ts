// mtls-pop/templates: the web-server and proxy configuration templates that forward the
// client certificate and strip forged copies. This file only re-exports.
export { renderTemplate, TEMPLATE_SERVERS, PROVEN_TEMPLATE_SERVERS, TEMPLATE_SITES, FORWARDING_HEADERS, OTHER_PROXY_HEADERS, CHAIN_HEADER_COUNT, DEFAULT_HEADER_NAMES } from '../templates/index.js';
export type { TemplateValues, TemplateServer, TemplateSite, RenderOptions } from '../templates/index.js';
