// Small behaviours attached by data attributes; no inline scripts (the CSP forbids them).
"use strict";

// --- Evidence (portfolio): the evidence form's file picker and drop zone, upload progress,
// KSB search and the over-claiming warning. Listeners sit on the document, so they keep
// working after htmx swaps the form back in with its problems marked.
(function () {
  function sizeText(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + " MB";
    if (bytes >= 1024) return (bytes / 1024).toFixed(1) + " KB";
    return bytes + " bytes";
  }

  function listChosen(input) {
    var zone = input.closest("[data-dropzone]");
    var list = zone && zone.querySelector("[data-file-list]");
    if (!list) return;
    var max = Number(zone.dataset.maxFileBytes || 0);
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + sizeText(file.size) + ")";
      if (max && file.size > max) {
        item.textContent += ": too large, it will be refused";
        item.className = "form-error";
      }
      list.appendChild(item);
    });
  }

  function updateOverclaim(form) {
    var note = form && form.querySelector("[data-overclaim-warning]");
    if (!note) return;
    var count = form.querySelectorAll("input[name=claim]:checked").length;
    var over = count > Number(note.dataset.limit || 6);
    note.hidden = !over;
    note.textContent = over ? note.dataset.template.replace("{count}", String(count)) : "";
  }

  function filterKsbs(box) {
    var query = box.value.trim().toLowerCase();
    box.form.querySelectorAll("[data-ksb-option]").forEach(function (option) {
      var ticked = option.querySelector("input[name=claim]").checked;
      option.hidden = Boolean(query) && !ticked && option.dataset.search.indexOf(query) === -1;
    });
    box.form.querySelectorAll("[data-ksb-group]").forEach(function (group) {
      group.hidden = !group.querySelector("[data-ksb-option]:not([hidden])");
    });
  }

  function zoneOf(event) {
    return event.target.closest ? event.target.closest("[data-dropzone]") : null;
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches) return;
    if (target.matches("[data-dropzone] input[type=file]")) listChosen(target);
    if (target.matches("[data-upload-form] input[name=claim]")) updateOverclaim(target.form);
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-ksb-search]")) filterKsbs(event.target);
  });

  document.addEventListener("dragover", function (event) {
    var zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.add("dragging");
  });

  document.addEventListener("dragleave", function (event) {
    var zone = zoneOf(event);
    if (zone) zone.classList.remove("dragging");
  });

  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("dragging");
    var input = zone.querySelector("input[type=file]");
    var merged = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file) { merged.items.add(file); });
    Array.prototype.forEach.call(event.dataTransfer.files, function (file) { merged.items.add(file); });
    input.files = merged.files;
    listChosen(input);
  });

  // htmx sends the multipart form with XMLHttpRequest and reports how much has gone.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest("[data-upload-form]");
    var bar = form && form.querySelector("[data-upload-progress]");
    if (!bar || !event.detail.lengthComputable || !event.detail.total) return;
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });

  function reveal(root) {
    root.querySelectorAll("[data-ksb-search-label]").forEach(function (label) {
      label.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
})();
