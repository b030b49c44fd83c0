// perfcheck 规则工作台: sortable tables, the editor (line numbers, debounced checking, error markers),
// the impact view, explain and save. No framework, no network but this server.
"use strict";
(function () {
  const DEBOUNCE_MS = 400; // wait this long after the last keystroke before checking
  const CONTEXT_LINES = 3; // lines shown above a line the editor jumps to
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body),
    });
    try { return await response.json(); } catch (e) { return {ok: false, message: "服务器没有返回结果（" + response.status + "）。"}; }
  }

  // ---------------------------------------------------------------- sortable tables
  function cellValue(row, index) {
    const cell = row.children[index];
    if (!cell) return "";
    const key = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
    const number = Number(key);
    return key !== "" && !Number.isNaN(number) ? number : key;
  }
  function sortBy(table, index, header) {
    const body = table.tBodies[0];
    const down = header.dataset.dir !== "asc";
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = cellValue(a, index), y = cellValue(b, index);
      const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh");
      return down ? -order : order;
    });
    table.querySelectorAll("th").forEach(th => { delete th.dataset.dir; });
    header.dataset.dir = down ? "desc" : "asc";
    rows.forEach(r => body.appendChild(r));
  }
  function makeSortable(root) {
    root.querySelectorAll("table.sortable").forEach(table => {
      table.querySelectorAll("thead th").forEach((th, index) => {
        th.title = "点击排序";
        th.addEventListener("click", () => sortBy(table, index, th));
      });
    });
  }
  makeSortable(document);

  // ---------------------------------------------------------------- report view: fact <-> text
  document.querySelectorAll("mark.fact").forEach(mark => mark.addEventListener("click", () => {
    const first = mark.dataset.facts.split(" ")[0];
    const item = document.getElementById("fact-" + first);
    if (item) { item.scrollIntoView({block: "center"}); item.classList.add("flash"); setTimeout(() => item.classList.remove("flash"), 1500); }
  }));
  document.querySelectorAll("li[data-fact]").forEach(item => item.addEventListener("click", () => {
    const mark = Array.from(document.querySelectorAll("mark.fact")).find(m => m.dataset.facts.split(" ").includes(item.dataset.fact));
    if (mark) { mark.scrollIntoView({block: "center"}); mark.classList.add("flash"); setTimeout(() => mark.classList.remove("flash"), 1500); }
  }));

  // ---------------------------------------------------------------- the editor
  const editor = document.getElementById("editor");
  if (!editor) return;
  const kind = editor.dataset.kind;
  const source = document.getElementById("source");
  const gutter = editor.querySelector(".gutter");
  const status = document.getElementById("status");
  const checks = document.getElementById("checks");
  const impact = document.getElementById("impact");
  const firstLine = Number(editor.dataset.firstLine || 1);
  let sha = editor.dataset.sha;
  let timer = null, generation = 0, lastBody = null;

  function params() {
    const out = {};
    document.querySelectorAll("input.param").forEach(input => { if (input.value !== input.dataset.initial) out[input.name] = input.value; });
    return out;
  }
  function editBody() {
    if (kind === "rule") return {kind, file: editor.dataset.file, rule_id: editor.dataset.ruleId, sha, text: source.value};
    return {kind, sha, params: params()};
  }

  function drawGutter(marks) {
    if (!gutter) return;
    const count = source.value.split("\n").length;
    const lines = [];
    for (let i = 1; i <= count; i++) {
      const mark = marks && marks[i];
      lines.push(mark ? '<span class="err" title="' + mark.replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])) + '">' + (firstLine + i - 1) + ' ●</span>' : String(firstLine + i - 1));
    }
    gutter.innerHTML = lines.join("\n");
    gutter.scrollTop = source.scrollTop;
  }
  function gotoLine(line) {
    const lines = source.value.split("\n");
    const start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    source.focus();
    source.setSelectionRange(start, start + (lines[line - 1] || "").length);
    const lineHeight = parseFloat(getComputedStyle(source).lineHeight);
    source.scrollTop = Math.max(0, (line - CONTEXT_LINES) * lineHeight);
    gutter.scrollTop = source.scrollTop;
  }

  async function check() {
    const mine = ++generation;
    const body = editBody();
    status.textContent = "正在校验……";
    const result = await post("/api/check", body);
    if (mine !== generation) return; // a newer edit is being checked
    if (result.html === undefined) { status.textContent = result.message || "校验失败。"; return; }
    checks.innerHTML = result.html; // rendered and escaped by the server (Jinja2 autoescape)
    const marks = {};
    (result.problems || []).forEach(p => { if (p.line) marks[p.line] = (marks[p.line] ? marks[p.line] + "\n" : "") + p.message; });
    drawGutter(marks);
    checks.querySelectorAll("a.goto").forEach(a => a.addEventListener("click", e => { e.preventDefault(); gotoLine(Number(a.dataset.line)); }));
    if (result.problems && result.problems.length) {
      status.textContent = "有 " + result.problems.length + " 处错误（行号旁标 ●），改正后再看影响。";
      impact.innerHTML = '<p class="hint">规则包有错误，暂不计算影响。</p>';
      return;
    }
    status.textContent = result.failed ? "校验通过，但有 " + result.failed + " 个测试用例不通过。正在计算影响……" : "校验通过，测试用例全部通过。正在计算影响……";
    lastBody = body;
    const shown = await post("/api/impact", body);
    if (mine !== generation) return;
    if (!shown.ok) { impact.innerHTML = ""; status.textContent = shown.message; return; }
    impact.innerHTML = shown.html;
    makeSortable(impact);
    bindExplain(impact);
    status.textContent = status.textContent.replace("正在计算影响……", "") + "影响已算出（" + shown.seconds + " 秒）。";
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(check, DEBOUNCE_MS); status.textContent = "修改中……"; }

  if (source) {
    source.addEventListener("input", () => { drawGutter(); schedule(); });
    source.addEventListener("scroll", () => { gutter.scrollTop = source.scrollTop; });
    source.addEventListener("keydown", e => {  // Tab inserts two spaces: YAML indents with spaces
      if (e.key === "Tab") { e.preventDefault(); const s = source.selectionStart; source.setRangeText("  ", s, source.selectionEnd, "end"); drawGutter(); schedule(); }
    });
    drawGutter();
  }
  document.querySelectorAll("input.param").forEach(input => input.addEventListener("input", schedule));

  // ---------------------------------------------------------------- explain
  const box = document.getElementById("explain-box");
  function bindExplain(root) {
    root.querySelectorAll("button.explain").forEach(button => button.addEventListener("click", async () => {
      const row = button.closest("tr");
      const body = button.dataset.edited === "1" && lastBody ? Object.assign({}, lastBody) : {};
      Object.assign(body, {report: Number(row.dataset.report), rule: row.dataset.rule, subject: row.dataset.subject});
      box.hidden = false;
      document.getElementById("explain-text").textContent = "正在说明……";
      const result = await post("/api/explain", body);
      document.getElementById("explain-text").textContent = result.ok ? result.text : result.message; // text, never HTML
      box.scrollIntoView({block: "nearest"});
    }));
  }
  document.getElementById("explain-close").addEventListener("click", () => { box.hidden = true; });

  // ---------------------------------------------------------------- save
  const form = document.getElementById("save");
  form.addEventListener("submit", async e => {
    e.preventDefault();
    const out = document.getElementById("saved");
    const body = Object.assign(editBody(), {who: form.who.value, why: form.why.value});
    out.textContent = "正在校验、测试并保存……";
    const result = await post("/api/save", body);
    out.textContent = "";
    const head = document.createElement("p");
    head.textContent = result.message;
    head.className = result.ok ? "ok" : "problem";
    out.appendChild(head);
    (result.details || []).forEach(line => { const pre = document.createElement("pre"); pre.textContent = line; out.appendChild(pre); });
    if (result.ok) {
      out.appendChild(Object.assign(document.createElement("p"), {textContent: "页面将重新载入，显示保存后的内容。"}));
      setTimeout(() => window.location.reload(), 1200);
    }
  });
})();
