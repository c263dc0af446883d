// The notice page: show a value's source, filter flagged records, save corrections.
// Values reach the page only through textContent and form fields, never as markup.
(function () {
  "use strict";

  const AUTHOR_KEY = "eldercare-review.author";
  const FLASH_MS = 2400;

  function noticeData() {
    const element = document.getElementById("notice-data");
    return element ? JSON.parse(element.textContent) : null;
  }

  function setStatus(element, message, kind) {
    if (!element) return;
    element.textContent = message;
    element.classList.remove("ok", "error");
    if (kind) element.classList.add(kind);
  }

  // --- your name, remembered in this browser ----------------------------------------
  function setupAuthor() {
    const input = document.getElementById("reviewer-name");
    if (!input) return;
    input.value = localStorage.getItem(AUTHOR_KEY) || "";
    input.addEventListener("input", () => localStorage.setItem(AUTHOR_KEY, input.value.trim()));
  }

  // --- only flagged records --------------------------------------------------------
  function setupFilter() {
    const box = document.getElementById("filter-flagged");
    if (!box) return;
    const apply = () => document.body.classList.toggle("only-flagged", box.checked);
    box.addEventListener("change", apply);
    apply();
  }

  // --- a value's source: its marks in the text, its box on the PDF page -----------------
  function showSource(holder, data) {
    document.querySelectorAll(".selected").forEach((el) => el.classList.remove("selected"));
    document.querySelectorAll("mark.current").forEach((el) => el.classList.remove("current", "flash"));
    holder.classList.add("selected");
    const span = holder.dataset.span;
    if (span) {
      const marks = document.querySelectorAll('mark[data-span="' + CSS.escape(span) + '"]');
      marks.forEach((mark) => mark.classList.add("current", "flash"));
      if (marks.length) marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
      setTimeout(() => marks.forEach((mark) => mark.classList.remove("flash")), FLASH_MS);
    }
    if (holder.dataset.page) {
      showPage(data, holder.dataset.file || "0", holder.dataset.page, holder.dataset.bbox);
    }
  }

  // file: 0 for the notice's own file, n for its n-th attachment
  function pageUrl(data, file, page) {
    const output = data.notice.split("/").map(encodeURIComponent).join("/");
    const url = "/page/" + encodeURIComponent(page) + "/" + output;
    return file === "0" ? url : url + "?file=" + encodeURIComponent(file);
  }

  function showPage(data, file, page, bbox) {
    const view = document.getElementById("page-view");
    const box = (data.pages[file] || {})[page];
    if (!view || !box) return;
    view.hidden = false;
    const image = document.getElementById("page-image");
    const url = pageUrl(data, file, page);
    if (image.getAttribute("src") !== url) image.setAttribute("src", url);
    document.getElementById("page-caption").textContent = "Page " + page;
    const rect = document.getElementById("page-bbox");
    if (!bbox) { rect.hidden = true; return; }
    const [x0, top, x1, bottom] = bbox.split(",").map(Number);
    const [left, upper, width, height] = box;
    rect.style.left = ((x0 - left) / width) * 100 + "%";
    rect.style.top = ((top - upper) / height) * 100 + "%";
    rect.style.width = ((x1 - x0) / width) * 100 + "%";
    rect.style.height = ((bottom - top) / height) * 100 + "%";
    rect.hidden = false;
    const reveal = () => rect.scrollIntoView({ block: "center", inline: "nearest" });
    if (image.complete && image.naturalWidth) reveal();
    else image.addEventListener("load", reveal, { once: true });
  }

  // --- corrections -----------------------------------------------------------------
  function openEditor(cell) {
    const form = cell.querySelector(".edit-form");
    if (!form) return;
    form.hidden = false;
    form.querySelector(".edit-input").focus();
  }

  async function postCorrection(body) {
    const token = document.querySelector('meta[name="review-token"]').content;
    try {
      const response = await fetch("/api/corrections", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Review-Token": token },
        body: JSON.stringify(body),
      });
      return await response.json();
    } catch (error) {
      return { ok: false, error: "The server did not answer: " + error };
    }
  }

  async function save(form, data) {
    const cell = form.closest("[data-field]");
    const message = cell.querySelector(".edit-message");
    const nameInput = document.getElementById("reviewer-name");
    const author = nameInput.value.trim();
    if (!author) {
      setStatus(message, "Enter your name at the top of the page before saving.", "error");
      nameInput.focus();
      return;
    }
    const value = form.querySelector(".edit-input").value;
    setStatus(message, "Saving…", null);
    const reply = await postCorrection({
      notice: data.notice, record_id: cell.dataset.recordId, field: cell.dataset.field,
      value: value, author: author, note: form.querySelector(".edit-note").value,
      version: data.version,
    });
    const text = reply.ok ? reply.message : reply.error;
    setStatus(message, text, reply.ok ? "ok" : "error");
    setStatus(document.getElementById("status"), text, reply.ok ? "ok" : "error");
    if (reply.version) data.version = reply.version;  // saves go on from the stored version
    showTheirs(cell, reply.theirs);
    if (!reply.ok) return;
    form.hidden = true;
    cell.classList.add("pending-correction");
    const pending = cell.querySelector(".pending");
    pending.textContent = "saved by " + author + ": " + value;
    pending.hidden = false;
  }

  // A conflict: list the other reviewer's corrections of this record; the form stays open,
  // so saving again re-applies this reviewer's change on the version now stored.
  function showTheirs(cell, theirs) {
    let list = cell.querySelector(".conflict");
    const button = cell.querySelector("button.save");
    if (!theirs) {
      if (list) list.remove();
      if (button) button.textContent = "Save";
      return;
    }
    if (!list) {
      list = document.createElement("ul");
      list.className = "conflict";
      cell.querySelector(".edit-message").after(list);
    }
    list.replaceChildren();
    for (const change of theirs) {
      const item = document.createElement("li");
      const shown = change.op === "remove" ? "(removed)" : JSON.stringify(change.value);
      item.textContent = change.author + " (" + change.at + ") " + change.field + ": " + shown;
      list.append(item);
    }
    if (button) button.textContent = "Save again";
  }

  function setupRecords(data) {
    const records = document.getElementById("records");
    if (!records) return;
    records.addEventListener("click", (event) => {
      const target = event.target;
      if (target.closest(".edit")) return openEditor(target.closest("[data-field]"));
      if (target.closest(".cancel")) { target.closest(".edit-form").hidden = true; return; }
      const shown = target.closest(".value-text, .quantity");
      const holder = shown && (shown.closest("[data-span], [data-page]"));
      if (holder) showSource(holder, data);
    });
    records.addEventListener("keydown", (event) => {
      const shown = event.target.closest && event.target.closest(".value-text, .quantity");
      if (shown && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        shown.click();
      }
    });
    records.addEventListener("submit", (event) => {
      event.preventDefault();
      save(event.target, data);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const data = noticeData();
    setupAuthor();
    setupFilter();
    if (data) setupRecords(data);
  });
})();
