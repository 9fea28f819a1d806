/**
 * The web stepper in Chromium (playwright-core, Debian's /usr/bin/chromium; skipped with the
 * reason when it is absent): load a scenario, step ten events, take a different pending event
 * (a fork), go back, and at each point the page highlights exactly the states the session's own
 * machines are in; save the branch and the saved scenario replays to the same state; no console
 * error or failed request on the way. The API's refusals are checked without a browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { openForStepping, StepSession } from '../../src/trace/session.js';
import { StepperApi } from '../../src/trace/web/api.js';
import { portOf, serveStepper } from '../../src/trace/web/server.js';
import { activePaths } from '../../src/trace/branch-script.js';
import { runScenarioFile } from '../../src/cli/commands/scenario.js';
import { quorumClauses } from '../../spec/quorum/clauses.js';

const CHROMIUM = '/usr/bin/chromium';
const SCENARIO = 'scenarios/quorum/election.txt';
const clauses = quorumClauses.map((c) => ({ id: c.id, kind: c.kind }));

const sessionOf = (path: string): StepSession => {
  const { trace } = openForStepping(path);
  return new StepSession(trace.header, trace.steps);
};

/** What the page must highlight: per card "node/actor", the box titles of the active leaf states. */
const expectedHighlights = (session: StepSession): Record<string, string[]> =>
  Object.fromEntries(session.machines().map((m) => [`${m.node}/${m.actor}`, activePaths(m).map((p) => p.split('.').join('_')).sort()]));

describe('the web stepper API', () => {
  it('answers bad requests with 400 and a reason, never moving the run', async () => {
    const session = sessionOf(SCENARIO);
    const api = new StepperApi(session, 't', clauses, tmpdir());
    expect((await api.handle('POST', '/api/goto', '{"index":"x"}')).status).toBe(400);
    expect((await api.handle('POST', '/api/take', '{"pending":0}')).status).toBe(400);
    expect((await api.handle('POST', '/api/goto', 'not json')).status).toBe(400);
    expect((await api.handle('POST', '/api/save', '{}')).status).toBe(400);
    expect((await api.handle('GET', '/api/diagram/nonesuch', '')).status).toBe(404);
    expect((await api.handle('DELETE', '/api/state', '')).status).toBe(404);
    expect(session.cursor).toBe(-1);
    const taken = JSON.parse((await api.handle('POST', '/api/take', '{"pending":99}')).body) as { message: string; cursor: number };
    expect(taken.message).toMatch(/no pending event 99/);
    expect(taken.cursor).toBe(-1);
  });
});

describe.skipIf(!existsSync(CHROMIUM))(`the web stepper in Chromium (${CHROMIUM}; skipped when it is not installed: .ci/run installs it)`, () => {
  let server: Server;
  let session: StepSession;
  const out = mkdtempSync(join(tmpdir(), 'kspec-web-'));

  beforeAll(async () => {
    session = sessionOf(SCENARIO);
    server = await serveStepper(new StepperApi(session, 'kspec step election.txt', clauses, out), 0);
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('steps ten events, forks, goes back, highlights the session\'s states, saves a branch that replays; no console errors', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('requestfailed', (request) => problems.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`));
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`${response.url()}: HTTP ${response.status()}`);
      });
      await page.goto(`http://127.0.0.1:${portOf(server)}/`, { waitUntil: 'load' });
      await page.waitForSelector('.card[data-drawn="true"]');

      const atCursor = async (cursor: number): Promise<void> => {
        await page.waitForFunction(`document.getElementById('slider').value === '${cursor}' && [...document.querySelectorAll('.card')].every((card) => card.dataset.drawn === 'true')`);
      };
      const highlighted = (): Promise<Record<string, string[]>> =>
        page.evaluate(`Object.fromEntries([...document.querySelectorAll('.card')].map((card) => [
          card.dataset.node + '/' + card.dataset.actor,
          [...card.querySelectorAll('g.node.active > title')].map((t) => t.textContent).sort(),
        ]))`);

      // The first by the button, the rest by the key (a click waits for the page to settle: slow on a loaded machine).
      await page.click('#next');
      await atCursor(0);
      for (let i = 1; i < 10; i++) {
        await page.keyboard.press('n');
        await atCursor(i);
      }
      expect(session.cursor).toBe(9);
      // Ten steps in: the leader is elected, and the page shows what the session's machines say.
      expect(Object.values(expectedHighlights(session)).flat().some((s) => s.startsWith('Leader'))).toBe(true);
      expect(await highlighted()).toEqual(expectedHighlights(session));

      // The fork: the second pending event instead of the queue's next.
      const second = session.view().pending[1]!.description;
      await page.click('#pending button[data-pending="2"]');
      await atCursor(10);
      expect(session.steps[10]!.chosen).toBe(true);
      expect(await page.locator('#fork').isVisible()).toBe(true);
      expect(await page.locator('#current .head').textContent()).toContain(second.split(' ').slice(0, 2).join(' '));
      expect(await highlighted()).toEqual(expectedHighlights(session));

      // Back one step, then forward to the fork again: the highlights follow the session both ways.
      await page.keyboard.press('b');
      await atCursor(9);
      expect(await highlighted()).toEqual(expectedHighlights(session));
      await page.keyboard.press('n');
      await atCursor(10);
      expect(session.steps[10]!.chosen).toBe(true);
      const reached = expectedHighlights(session);

      // Save the branch: kspec scenario passes it, and it opens at the state the page shows.
      await page.fill('#save-file', 'fork.txt');
      await page.click('#save-form button');
      await page.waitForFunction(`/saved/.test(document.getElementById('message').textContent)`);
      const saved = join(out, 'fork.txt');
      expect(readFileSync(saved, 'utf8')).toMatch(/^take 2$/m);
      expect(runScenarioFile(saved).mismatches).toEqual([]);
      const reopened = sessionOf(saved);
      reopened.goto(reopened.steps.length - 1);
      expect(expectedHighlights(reopened)).toEqual(reached);

      // The verdicts so far and the sequence lane are on the page.
      expect(await page.locator('#verdicts li.pass').count()).toBeGreaterThan(3);
      expect(await page.locator('#lane g.row').count()).toBe(11);
      await page.screenshot({ path: join(out, 'stepper.png'), fullPage: false });
      console.log(`web stepper screenshot: ${join(out, 'stepper.png')}`);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
