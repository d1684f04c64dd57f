export { renderTemplate, PROVEN_TEMPLATE_SERVERS, TEMPLATE_SERVERS, TEMPLATE_SITES, TEMPLATE_ROOT } from './render.js';
export type { TemplateServer, TemplateSite, RenderOptions } from './render.js';
export { resolveValues } from './values.js';
export type { TemplateValues } from './values.js';
export { FORWARDING_HEADERS, OTHER_PROXY_HEADERS, CHAIN_HEADER_COUNT, DEFAULT_HEADER_NAMES } from './headers.js';
