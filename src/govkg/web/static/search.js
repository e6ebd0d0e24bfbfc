/* Suggestions as you type, for every search box (form.search[data-suggest]): the ARIA 1.2 combobox pattern with a
   listbox popup. Down and Up move through the suggestions, Enter opens the one chosen (without one, the form is
   sent to the search page as without JavaScript), Escape closes the list and a second Escape empties the box.
   Requests wait for a pause in typing and a newer one cancels the older; labels are written as text, never HTML. */
"use strict";

(() => {
  const PAUSE_MS = 150; // typing pause before asking for suggestions
  const MAX_LENGTH = 200; // the server refuses longer texts

  function setup(form) {
    const input = form.querySelector('[role="combobox"]');
    const list = document.getElementById(input.getAttribute("aria-controls"));
    const status = form.querySelector('[role="status"]');
    const language = form.querySelector('input[name="lang"]');
    let items = [];
    let active = -1;
    let timer = 0;
    let pending = null;

    function choose(index) {
      active = index;
      Array.from(list.children).forEach((option, i) => {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    }

    function open(shown) {
      list.hidden = !shown;
      input.setAttribute("aria-expanded", shown ? "true" : "false");
      if (!shown) choose(-1);
    }

    function go(index) {
      window.location.assign(items[index].url);
    }

    function describe(hit) {
      const kinds = hit.types.map((type) => type.label).join(", ");
      const matched = hit.match.text !== hit.label ? `${form.dataset.matched} “${hit.match.text}”` : "";
      return [kinds, matched].filter(Boolean).join(" · ");
    }

    function option(hit, index) {
      const item = document.createElement("li");
      item.id = `${list.id}-${index}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = hit.label;
      const about = document.createElement("span");
      about.className = "about";
      about.textContent = describe(hit);
      item.append(label, about);
      item.addEventListener("mousedown", (event) => event.preventDefault()); // the box keeps the focus
      item.addEventListener("click", () => go(index));
      return item;
    }

    function announce(count) {
      const message = count === 1 ? form.dataset.one : form.dataset.many;
      status.textContent = count === 0 ? form.dataset.none : message.replace("{n}", String(count));
    }

    function show(found) {
      items = found.results;
      list.replaceChildren(...items.map(option));
      announce(items.length);
      open(items.length > 0);
    }

    async function ask() {
      const text = input.value.trim();
      if (pending) pending.abort();
      if (!text || text.length > MAX_LENGTH) {
        items = [];
        list.replaceChildren();
        open(false);
        return;
      }
      pending = new AbortController();
      const url = new URL(form.dataset.suggest, window.location.href);
      url.searchParams.set("q", text);
      if (language) url.searchParams.set("lang", language.value);
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          signal: pending.signal,
        });
        if (!response.ok) return open(false);
        const found = await response.json();
        if (found.query === input.value.trim()) show(found);
      } catch (error) {
        if (error.name !== "AbortError") open(false);
      }
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, PAUSE_MS);
    }

    function key(event) {
      const count = items.length;
      const shown = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!count) return ask();
        if (!shown) open(true);
        const step = event.key === "ArrowDown" ? 1 : -1;
        const start = active < 0 && step < 0 ? count : active;
        choose((start + step + count) % count);
      } else if (event.key === "Enter" && shown && active >= 0) {
        event.preventDefault();
        go(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        if (shown) return open(false);
        input.value = "";
        items = [];
        list.replaceChildren();
      }
    }

    input.addEventListener("input", later);
    input.addEventListener("keydown", key);
    input.addEventListener("blur", () => open(false));
    input.addEventListener("focus", () => {
      if (items.length) open(true);
    });
  }

  document.querySelectorAll("form.search[data-suggest]").forEach(setup);
})();
