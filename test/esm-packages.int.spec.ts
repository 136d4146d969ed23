import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import * as client from 'openid-client';
import Provider from 'oidc-provider';

/**
 * The ES-module-only packages sign-in relies on load and work under jest (jest.config.js,
 * ESM_ONLY): a regression here would otherwise show as every sign-in test failing to import.
 */
describe('ES-module-only packages under jest', () => {
  it('jose signs and verifies a token', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ role: 'staff' }).setProtectedHeader({ alg: 'ES256' }).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    const { payload } = await jwtVerify(token, publicKey);
    expect(payload.role).toBe('staff');
  });

  it('openid-client discovers a real oidc-provider on loopback', async () => {
    // The provider's issuer is its own address, so it is made once the port is known.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const provider = new Provider(issuer, { clients: [{ client_id: 'pz', client_secret: 'a-secret-for-tests-only', redirect_uris: [`${issuer}/cb`] }] });
      server.on('request', provider.callback());
      const config = await client.discovery(new URL(issuer), 'pz', 'a-secret-for-tests-only', undefined, { execute: [client.allowInsecureRequests] });
      expect(config.serverMetadata().authorization_endpoint).toBe(`${issuer}/auth`);
    } finally {
      server.close();
    }
  });
});
