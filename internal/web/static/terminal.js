// The live terminal: the same app as over SSH, in xterm.js, connected to
// the server's UI host by a WebSocket at /terminal/ws.
//
// The wire: binary frames both ways carry terminal bytes (keys from
// here, the app's output from the server); a text frame from here is the
// terminal's size, {"cols":N,"rows":N}, sent as soon as the socket opens
// and again (debounced) whenever the window changes. A deep link such as
// /terminal#projects/notelytix opens the app on that page. When the
// visitor quits, the server sends one text frame, {"farewell":"…"}: the
// lines SSH visitors keep, shown here in the terminal's place with a
// "Start again" button.
"use strict";

// xterm.js writes the CSS it computes (cell size, colours) into <style>
// elements and style attributes, both of which this page's
// Content-Security-Policy refuses. Route both through the CSS object
// model, which the policy allows, so the page keeps its strict policy:
// a <style> xterm.js asks for becomes a hidden element whose text feeds a
// constructed style sheet, and setAttribute("style") sets style.cssText.
(() => {
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (tag, options) {
    if (String(tag).toLowerCase() !== "style") return createElement.call(this, tag, options);
    const stand = createElement.call(this, "div", options);
    stand.hidden = true;
    const sheet = new CSSStyleSheet();
    let css = "";
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    Object.defineProperty(stand, "textContent", {
      get() { return css; },
      set(v) { css = String(v); sheet.replaceSync(css); },
    });
    stand.remove = function () {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
      Element.prototype.remove.call(this);
    };
    return stand;
  };
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "style" && this.style) {
      this.style.cssText = String(value);
      return;
    }
    setAttribute.call(this, name, value);
  };
})();

(() => {
  const box = document.getElementById("terminal");
  const status = document.getElementById("terminal-status");
  const say = (msg) => { status.textContent = msg; status.hidden = !msg; };

  const css = getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue(name).trim();
  const term = new Terminal({
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "Noto Sans Mono", monospace',
    fontSize: 15,
    cursorBlink: false,
    // The app writes "\n" for a new line, as to a pty, which turns it
    // into "\r\n" (onlcr) on the way; over SSH the server's pty does that.
    // Here the terminal does.
    convertEol: true,
    scrollback: 0,
    theme: {
      background: colour("--term-bg"),
      foreground: colour("--term-fg"),
      cursor: colour("--accent"),
      selectionBackground: colour("--subtle"),
    },
  });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.loadAddon(new WebLinksAddon.WebLinksAddon());
  term.open(box);
  fit.fit();

  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const open = decodeURIComponent(location.hash.slice(1));
  // Under an invitation's path (/i/CODE/terminal) the socket is its too.
  const base = location.pathname.replace(/\/terminal\/?$/, "");
  const url = `${scheme}//${location.host}${base}/terminal/ws` + (open ? `?open=${encodeURIComponent(open)}` : "");
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  const encoder = new TextEncoder();

  let sent = "";
  const sendSize = () => {
    const size = JSON.stringify({ cols: term.cols, rows: term.rows });
    if (ws.readyState === WebSocket.OPEN && size !== sent) {
      ws.send(size);
      sent = size;
    }
  };
  ws.addEventListener("open", () => { say(""); sendSize(); term.focus(); });
  const bye = document.getElementById("farewell");
  let left = false;
  const farewell = (text) => {
    left = true;
    const lines = bye.querySelector(".lines");
    lines.replaceChildren(...text.split("\n").map((line) => {
      const p = document.createElement("p");
      p.textContent = line;
      return p;
    }));
    box.hidden = true;
    for (const el of document.querySelectorAll(".keys, .note")) el.hidden = true;
    say("");
    bye.hidden = false;
    document.getElementById("again").focus();
  };
  document.getElementById("again").addEventListener("click", () => {
    // A new visit, on the page it was opened on.
    location.reload();
  });
  ws.addEventListener("message", (e) => {
    if (typeof e.data === "string") {
      try {
        const msg = JSON.parse(e.data);
        if (typeof msg.farewell === "string") farewell(msg.farewell);
      } catch { /* not for us */ }
      return;
    }
    term.write(new Uint8Array(e.data));
  });
  ws.addEventListener("close", (e) => {
    if (!left) say(e.reason || "The session has ended. Reload the page to start again.");
  });
  say("Connecting…");

  term.onData((data) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(data));
  });
  term.onBinary((data) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff));
  });
  term.onResize(sendSize);

  // Refit when the window changes, once it has settled.
  let timer = 0;
  new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(() => fit.fit(), 120);
  }).observe(box);

  // On-screen keys, for phones and tablets without Tab, arrows or Esc.
  const keys = { tab: "\t", enter: "\r", esc: "\x1b", up: "\x1b[A", down: "\x1b[B", right: "\x1b[C", left: "\x1b[D" };
  for (const button of document.querySelectorAll("button[data-key]")) {
    button.addEventListener("click", () => {
      if (ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(keys[button.dataset.key]));
      term.focus();
    });
  }
})();
