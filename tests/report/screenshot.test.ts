/**
 * The HTML report as a reader sees it: two real runs (clean, and with the EVVM Client skipping the
 * server certificate check) loaded in headless Chromium at 1280x900. The failed run's first screen must
 * show the failed requirement and its full reason, laid out inside the window and not covered; the clean
 * run's must say nothing failed; a passing scenario's packed details must unpack under the page's CSP.
 * Screenshots of both first screens are kept in reports/test/screenshots/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli } from '../cli/cli';
import { Chromium, findChromium, type Page } from './chromium';
import { tempDir } from './fixture';

const WIDTH = 1280;
const HEIGHT = 900;
const SHOTS = path.resolve(__dirname, '../../..', process.env['EVVM_TEST_OUT'] ?? 'reports/test', 'screenshots');

const chromium = findChromium();
const skip = chromium ? false : 'no Chromium here (looked for $CHROMIUM, /usr/bin/chromium, chromium-browser, google-chrome): the report screenshots are not checked';

/**
 * True when `needle` is laid out whole inside the window and not covered: each of its line boxes lies in
 * the viewport, and the element at its first and last character is the one holding it.
 */
function onFirstScreen(needle: string): string {
  return `(function(needle){
    var walker=document.createTreeWalker(document.body,NodeFilter.SHOW_TEXT);
    for(var n=walker.nextNode();n;n=walker.nextNode()){
      var at=n.data.indexOf(needle);
      if(at<0)continue;
      var range=document.createRange();range.setStart(n,at);range.setEnd(n,at+needle.length);
      var rects=[].filter.call(range.getClientRects(),function(r){return r.width>0&&r.height>0;});
      if(rects.length===0)continue;
      var inside=rects.every(function(r){return r.top>=0&&r.left>=0&&r.bottom<=innerHeight&&r.right<=innerWidth;});
      var first=rects[0],last=rects[rects.length-1],el=n.parentElement;
      var hits=[document.elementFromPoint(first.left+1,first.top+first.height/2),document.elementFromPoint(last.right-1,last.top+last.height/2)];
      if(inside&&hits.every(function(h){return h&&(h===el||el.contains(h));}))return true;
    }
    return false;
  })(${JSON.stringify(needle)})`;
}

/** PNG width and height from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', 'a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

async function firstScreen(browser: Chromium, dir: string, name: string): Promise<Page> {
  const page = await browser.open(pathToFileURL(path.join(dir, 'conformance.html')).href, WIDTH, HEIGHT);
  const png = await page.screenshot();
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(path.join(SHOTS, `${name}.png`), png);
  assert.deepEqual(pngSize(png), { width: WIDTH, height: HEIGHT });
  // a blank 1280x900 page is about 4 KB; text, badges and tables make tens
  assert.ok(png.length > 30_000, `${name}.png is ${png.length} bytes: nothing drawn?`);
  return page;
}

describe('conformance.html in headless Chromium', { skip }, () => {
  const { dir, cleanup } = tempDir();
  const clean = path.join(dir, 'clean');
  const failed = path.join(dir, 'failed');
  let browser: Chromium | undefined;

  before(async () => {
    const ok = await cli(['run', '--tags', '@EVVM-AUTH-03', '--out', clean], 180_000);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await cli(['run', '--tags', '@EVVM-AUTH-03', '--fault', 'evvm-client:skip-server-cert-check', '--out', failed], 180_000);
    assert.equal(bad.code, 1, bad.stderr);
    browser = Chromium.launch(chromium!);
  });
  after(async () => {
    await browser?.close();
    cleanup();
  });

  it('shows a failed run\'s failed requirement and its full reason on the first screen', async () => {
    const page = await firstScreen(browser!, failed, 'failed-run');
    const json = JSON.parse(readFileSync(path.join(failed, 'conformance.json'), 'utf8')) as { requirements: { id: string; verdict: string; reason: string; text: string }[] };
    const req = json.requirements.find((r) => r.verdict === 'fail');
    assert.ok(req, 'the run failed a requirement');
    assert.equal(req.id, 'EVVM-AUTH-03');
    assert.ok(req.reason.length > 60, req.reason);
    for (const needle of [req.id, req.reason, req.text]) assert.equal(await page.evaluate(onFirstScreen(needle)), true, `on the first screen: ${needle}`);
    // in the failing scenario's sequence diagram the failing check is drawn red, and the lifeline names
    // stay on top while the diagram scrolls
    const drawn = await page.evaluate<{ colour: string; scrolled: number; headerMoved: number }>(`(function(){
      var d=document.querySelector('section.problems li a').getAttribute('href').slice(1);
      var s=document.getElementById(d);s.open=true;
      var sq=s.querySelector('.sq');sq.scrollIntoView();
      var top=sq.querySelector('.hd').getBoundingClientRect().top;sq.scrollTop=400;
      return {colour:getComputedStyle(sq.querySelector('p.k-fail>span')).backgroundColor,scrolled:sq.scrollTop,
        headerMoved:Math.abs(sq.querySelector('.hd').getBoundingClientRect().top-top)};})()`);
    assert.equal(drawn.colour, 'rgb(255, 235, 233)');
    assert.ok(drawn.scrolled > 0, 'the diagram scrolls');
    assert.ok(drawn.headerMoved < 1, `the lifeline names moved ${drawn.headerMoved} px`);
  });

  it('says a clean run failed nothing, and unpacks a passing scenario when it is opened', async () => {
    const page = await firstScreen(browser!, clean, 'clean-run');
    for (const needle of ['Nothing failed', 'default: Mutual authentication everywhere', 'conformant']) {
      assert.equal(await page.evaluate(onFirstScreen(needle)), true, `on the first screen: ${needle}`);
    }
    const rows = await page.evaluate<number>(`new Promise(function(resolve){
      var d=document.querySelector('details.scn');d.open=true;var t0=Date.now();
      (function poll(){var q=d.querySelector('.sq');if(q||Date.now()-t0>15000)resolve(q?q.querySelectorAll('p').length:0);else setTimeout(poll,50);})();})`);
    assert.ok(rows > 5, `the opened scenario's diagram has ${rows} rows`);
  });
});
