import { renderTemplate } from './src/templates/index.js';
const [server, site] = process.argv.slice(2) as ['envoy', 'api'];
const files = server === 'ingress-nginx' ? { tlsSecret: 'as-tls', clientCaSecret: 'default/client-ca', upstream: 'mtls-pop:3000' } : { certificate: '/etc/ssl/as.pem', certificateKey: '/etc/ssl/as.key', clientCa: '/etc/ssl/ca.pem', upstream: ['10.0.0.1:3000', 'app.internal:3001'] };
console.log(renderTemplate(server, { serverName: 'as.example.com', ...files }, { site: site ?? 'authorization-server' }));
