import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUMMY_ACCOUNTS, DUMMY_REGION, motoRequired, startMoto, type MotoServer } from '../src';

// The harness itself, against a real moto server: loopback only, IAM enforced when asked, stopped at the end.
describe.skipIf(!motoRequired())('moto harness', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto(DUMMY_REGION, { initialNoAuthActionCount: 1_000_000 });
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('serves on 127.0.0.1 only, on the port it picked', async () => {
    expect(moto.endpoint).toBe(`http://127.0.0.1:${moto.port}`);
    const response = await fetch(`${moto.endpoint}/moto-api/data.json`);
    expect(response.ok).toBe(true);
  });

  it('gives credentials acting in another account through AssumeRole', async () => {
    // WHEN
    const admin = await moto.adminCredentials(DUMMY_ACCOUNTS.source);
    const identity = await moto.query('sts', admin, { Action: 'GetCallerIdentity', Version: '2011-06-15' });
    // THEN
    expect(identity).toContain(`<Account>${DUMMY_ACCOUNTS.source}</Account>`);
  });

  it('fails a call the role policy does not grant once IAM is enforced, naming the action', async () => {
    // GIVEN a role allowed to list roles only, assumed before enforcement
    const admin = await moto.adminCredentials(DUMMY_ACCOUNTS.tooling);
    const roleArn = await moto.createRole(admin, 'list-roles-only', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }],
    });
    const role = await moto.assumeRole(admin, roleArn);
    // WHEN
    await moto.enforceIam();
    try {
      // THEN the granted call works, the other is denied
      await expect(moto.query('iam', role, { Action: 'ListRoles', Version: '2010-05-08' })).resolves.toContain('list-roles-only');
      await expect(moto.query('iam', role, { Action: 'ListUsers', Version: '2010-05-08' })).rejects.toThrow(/403[\s\S]*iam:ListUsers/);
      // and the administrator of the account still works
      await expect(moto.query('iam', admin, { Action: 'ListUsers', Version: '2010-05-08' })).resolves.toContain('ListUsersResponse');
    } finally {
      await moto.relaxIam();
    }
  });

  it('counts the requests it served', () => {
    expect(moto.requestCount()).toBeGreaterThan(3);
  });

  it('fails when a test sends more requests than its bound: the server is killed', async () => {
    // GIVEN a server allowed 3 requests
    const bounded = await startMoto(DUMMY_REGION, { maxRequests: 3 });
    try {
      // WHEN a loop runs away (bounded here too)
      const answers: boolean[] = [];
      for (let i = 0; i < 10; i++) {
        answers.push(await fetch(`${bounded.endpoint}/moto-api/data.json`).then((r) => r.ok, () => false));
        if (!answers[answers.length - 1]) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // THEN the requests after the bound (the harness's readiness probe counts too) are refused
      expect(answers[0]).toBe(true);
      expect(answers).toContain(false);
      expect(answers.filter(Boolean).length).toBeLessThanOrEqual(3);
    } finally {
      await bounded.stop();
    }
  });

  it('stops: nothing answers after stop, and a second stop is harmless', async () => {
    const other = await startMoto(DUMMY_REGION);
    await other.stop();
    await other.stop();
    await expect(fetch(`${other.endpoint}/moto-api/data.json`)).rejects.toThrow();
  });
});
