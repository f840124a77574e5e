// The looking glass in headless Chromium, driven by playwright-core (for herald-http.sh).
//
//   node lg-check.js URL SCREENSHOT EXPECT.json
//
// Opens URL (the looking glass with ?prefix=…&match=… in its address), waits for the page to
// show the neighbor and the paths, and checks them against EXPECT: {neighbor, as, received,
// sent, paths: [{prefix, nexthop, aspath, origin, communities: [...]}]}, takes the screenshot
// and prints READY; then waits (60 s at most) for the neighbor to leave Established — the
// caller drops the session — and checks that the page showed it live (the state-change list
// and the neighbor's row), and prints LIVE. Exit status 0 only if every check held.
"use strict";
const path = require("path");
const { chromium } = require(path.join(process.env.PLAYWRIGHT_DIR, "node_modules", "playwright-core"));

const [url, screenshot, expectFile] = process.argv.slice(2);
const expect = JSON.parse(require("fs").readFileSync(expectFile, "utf8"));

function fail(msg) {
  console.error("FAIL: " + msg);
  process.exit(1);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => { if (!r.url().endsWith("/v1/events")) errors.push("request failed: " + r.url()); });
  await page.goto(url);
  await page.waitForSelector("#neighbors tbody tr", { timeout: 15000 });
  await page.waitForSelector("#paths tbody tr", { timeout: 15000 });
  const rows = (sel) => page.$$eval(sel + " tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const neighbors = await rows("#neighbors");
  const paths = await rows("#paths");
  if (neighbors.length !== 1) fail("neighbors: " + JSON.stringify(neighbors));
  const n = neighbors[0];
  if (n[0] !== expect.neighbor || n[1] !== String(expect.as) || n[2] !== "established" ||
      n[4] !== String(expect.received) || n[5] !== String(expect.sent)) {
    fail("neighbor row " + JSON.stringify(n) + " expected " + JSON.stringify(expect));
  }
  const summary = await page.textContent("#summary");
  if (summary !== "1 neighbors, 1 established") fail("summary: " + summary);
  if (paths.length !== expect.paths.length) fail("paths: " + JSON.stringify(paths));
  expect.paths.forEach((want, i) => {
    const p = paths[i];
    const ok = p[1] === want.prefix && p[2] === want.nexthop && p[3] === want.aspath && p[4] === want.origin &&
      want.communities.every((c) => p[7].split(" ").includes(c));
    if (!ok) fail("path " + JSON.stringify(p) + " expected " + JSON.stringify(want));
  });
  const count = await page.textContent("#count");
  if (count !== expect.paths.length + (expect.paths.length === 1 ? " path" : " paths")) fail("count: " + count);
  await page.screenshot({ path: screenshot });
  console.log("READY");
  // Live: the caller drops the session; the page hears it over its event stream.
  await page.waitForFunction(
    (nb) => [...document.querySelectorAll("#events li")].some((li) => li.textContent.includes(nb + "  established → ")),
    expect.neighbor, { timeout: 60000 });
  await page.waitForFunction(
    () => { const c = document.querySelector("#neighbors tbody tr td.state"); return c && c.textContent !== "established"; },
    null, { timeout: 15000 });
  if (errors.length) fail("page errors: " + errors.join("; "));
  console.log("LIVE");
  await browser.close();
})().catch((e) => fail(String(e)));
