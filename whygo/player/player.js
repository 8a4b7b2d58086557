// whygo's animation player: draws frames given as data (cards of SVG primitives).
// The same file runs in JupyterLab and on the static website; no network, no CDN.
// See whygo/player/__init__.py for the frame format.
var whygoPlayer = window.whygoPlayer || (function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var TW = 40, TH = 24;
  var SPEEDS = [0.25, 0.5, 1, 2, 4];
  var DEFS = '<defs>' + [["whygo-arr", "#6e7781"], ["whygo-arr-r", "#d7191c"], ["whygo-arr-o", "#f07c00"],
    ["whygo-arr-m", "#c2185b"]].map(function (m) {
      return '<marker id="' + m[0] + '" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerUnits="userSpaceOnUse" ' +
        'markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="' + m[1] + '"/></marker>';
    }).join("") + '</defs>';

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  // One card's primitives as SVG markup (mirrors card_svg_body in __init__.py).
  function body(card) {
    var out = [];
    card.p.forEach(function (q) {
      switch (q[0]) {
        case "r": out.push('<rect x="' + q[1] + '" y="' + q[2] + '" width="' + q[3] + '" height="' + q[4] +
          '" rx="5" class="' + q[5] + '"/>'); break;
        case "t": out.push('<text x="' + q[1] + '" y="' + q[2] + '" class="' + q[4] + '">' + esc(q[3]) + '</text>'); break;
        case "g": out.push('<g class="tok ' + q[4] + ' ' + q[5] + '"><rect x="' + q[1] + '" y="' + q[2] +
          '" width="' + TW + '" height="' + TH + '" rx="12"/><text x="' + (q[1] + TW / 2) + '" y="' + (q[2] + 17) +
          '">' + esc(q[3]) + '</text></g>'); break;
        case "l": out.push('<line x1="' + q[1] + '" y1="' + q[2] + '" x2="' + q[3] + '" y2="' + q[4] +
          '" class="' + q[5] + '"/>'); break;
        case "p": out.push('<path d="' + q[1] + '" class="' + q[2] + '"/>'); break;
        case "c": out.push('<g class="' + q[4] + '"><circle cx="' + q[1] + '" cy="' + q[2] + '" r="' + q[3] +
          '"/><text x="' + q[1] + '" y="' + (q[2] + 5) + '" class="c">' + esc(q[5]) + '</text></g>'); break;
        case "q": for (var k = 0; k < q[3]; k++) out.push('<rect x="' + (q[1] + (k % q[4]) * q[5]) + '" y="' +
          (q[2] + Math.floor(k / q[4]) * q[6]) + '" width="' + TW + '" height="' + TH + '" rx="5" class="slot"/>'); break;
        case "b": out.push('<g class="bits">');
          for (var b = 0; b < q[5].length; b++) out.push('<rect x="' + (q[1] + b * q[3]) + '" y="' + q[2] + '" width="' +
            q[3] + '" height="' + q[4] + '" class="a' + q[5][b] + '"/>');
          out.push('</g>'); break;
      }
    });
    return out.join("");
  }

  function el(tag, cls, html) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (html !== undefined) e.innerHTML = html;
    return e;
  }

  function mount(root) {
    if (!root || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var data = JSON.parse(root.querySelector(".whygo-sp-data").textContent);
    var stage = root.querySelector(".whygo-sp-stage");
    var rule = root.querySelector(".whygo-sp-rule"), cap = root.querySelector(".whygo-sp-caption");
    var track = 0, i = 0, timer = null, speed = 2;

    // the selector (scenario, barrier, GOMAXPROCS...) replaces the plain list of choices
    var modes = root.querySelector(".whygo-sp-modes");
    var select = null;
    if (modes) {
      modes.innerHTML = "";
      var label = el("label", "", esc(data.select) + " ");
      select = el("select", "whygo-sp-select");
      data.tracks.forEach(function (t, k) {
        var o = el("option"); o.value = k; o.textContent = t.name; select.appendChild(o);
      });
      label.appendChild(select); modes.appendChild(label);
      select.onchange = function () { stop(); setTrack(parseInt(select.value, 10)); };
    }

    var controls = el("div", "whygo-sp-controls");
    var prev = el("button", "whygo-sp-prev whygo-prev", "&#9664;&#xFE0E;&#8201;{{step}}");
    var play = el("button", "whygo-sp-play whygo-play", "&#9654;&#xFE0E; {{play}}");
    var next = el("button", "whygo-sp-next whygo-next", "{{step}}&#8201;&#9654;&#xFE0E;");
    var slider = el("input", "whygo-sp-slider whygo-slider"); slider.type = "range"; slider.min = 0; slider.step = 1;
    var count = el("span", "whygo-sp-count");
    var sp = el("select", "whygo-sp-speed");
    SPEEDS.forEach(function (s, k) { var o = el("option"); o.value = k; o.textContent = s + "\u00d7"; sp.appendChild(o); });
    sp.value = speed;
    prev.title = "{{step back (\u2190)}}"; next.title = "{{step forward (\u2192)}}"; play.title = "{{play / pause (space)}}";
    sp.title = "{{speed}}"; slider.setAttribute("aria-label", "{{frame}}");
    [play, prev, next, slider, count, sp].forEach(function (c) { controls.appendChild(c); });
    root.appendChild(controls);

    function frames() { return data.tracks[track].frames; }

    function setTrack(k) {
      track = k;
      var f0 = frames()[0];
      stage.innerHTML = "";
      f0.cards.forEach(function (c) {
        var s = document.createElementNS(NS, "svg");
        s.setAttribute("class", "whygo-svg");
        s.setAttribute("width", c.w); s.setAttribute("height", c.h);
        s.setAttribute("viewBox", "0 0 " + c.w + " " + c.h);
        stage.appendChild(s);
      });
      slider.max = frames().length - 1;
      fitCaption();
      show(0);
    }

    function show(k) {
      var n = frames().length;
      i = (k + n) % n;
      var f = frames()[i], svgs = stage.children;
      f.cards.forEach(function (c, j) {
        svgs[j].innerHTML = (j === 0 ? DEFS : "") + '<rect x="0.5" y="0.5" width="' + (c.w - 1) + '" height="' +
          (c.h - 1) + '" rx="6" class="card"/>' + body(c);
      });
      rule.innerHTML = f.rule; cap.innerHTML = f.cap;
      slider.value = i; count.textContent = (i + 1) + " / " + n;
      root.setAttribute("data-frame", i);
    }

    // The caption area keeps the height of the longest caption at this width, so nothing moves.
    function fitCaption() {
      cap.style.minHeight = ""; rule.style.minHeight = "";
      var probe = el("div", cap.className), rprobe = el("div", rule.className), hc = 0, hr = 0;
      probe.style.visibility = rprobe.style.visibility = "hidden";
      probe.style.position = rprobe.style.position = "absolute";
      probe.style.width = rprobe.style.width = cap.clientWidth + "px";
      root.appendChild(probe); root.appendChild(rprobe);
      data.tracks.forEach(function (t) {
        t.frames.forEach(function (f) {
          probe.innerHTML = f.cap; rprobe.innerHTML = f.rule;
          hc = Math.max(hc, probe.offsetHeight); hr = Math.max(hr, rprobe.offsetHeight);
        });
      });
      root.removeChild(probe); root.removeChild(rprobe);
      cap.style.minHeight = hc + "px"; rule.style.minHeight = hr + "px";
    }

    function stop() {
      if (timer) clearInterval(timer);
      timer = null; play.innerHTML = "&#9654;&#xFE0E; {{play}}";
    }
    function start() {
      stop();
      play.innerHTML = "&#10074;&#10074; {{pause}}";
      timer = setInterval(function () {
        // the last frame, or the output was cleared (the cell ran again): stop
        if (i === frames().length - 1 || !root.isConnected) { stop(); return; }
        show(i + 1);
      }, data.interval / SPEEDS[speed]);
    }
    function toggle() {
      if (timer) { stop(); return; }
      if (i === frames().length - 1) show(0);
      start();
    }
    play.onclick = toggle;
    prev.onclick = function () { stop(); show(i - 1); };
    next.onclick = function () { stop(); show(i + 1); };
    slider.oninput = function () { stop(); show(parseInt(slider.value, 10)); };
    sp.onchange = function () { speed = parseInt(sp.value, 10); if (timer) start(); };
    root.addEventListener("keydown", function (e) {
      var tag = e.target && e.target.tagName;
      // a focused button or selector keeps its own keys (space presses the button)
      if (tag === "BUTTON" && (e.key === " " || e.key === "Enter")) return;
      if ((tag === "SELECT" || tag === "INPUT") && e.key !== " ") return;
      if (e.key === "ArrowRight") { stop(); show(i + 1); }
      else if (e.key === "ArrowLeft") { stop(); show(i - 1); }
      else if (e.key === " " || e.key === "Spacebar") { toggle(); }
      else return;
      e.preventDefault(); e.stopPropagation();
    });
    if (window.ResizeObserver) {
      var lastW = 0;
      new ResizeObserver(function () {
        if (root.clientWidth !== lastW) { lastW = root.clientWidth; fitCaption(); }
      }).observe(root);
    }
    root.whygo = {show: show, setTrack: setTrack, frames: function () { return frames().length; }};
    setTrack(0);
  }

  return {mount: mount, body: body};
})();
window.whygoPlayer = whygoPlayer;
