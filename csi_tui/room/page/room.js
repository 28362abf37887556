// The participant's page: join, score the round's dimensions blind, follow the facilitator.
// No framework, no build step, nothing from elsewhere (the room has no internet). Every text
// from the server is set with textContent, never as HTML: a name or a dimension is data.
"use strict";

(function () {
  const POLL_MS = 2000;
  const base = location.pathname.replace(/[^/]*$/, "");  // /r/<token>/
  const memoryKey = "csi-room:" + base;
  let memory = load();
  let shown = null;  // the round on screen: "number/kind" and its dimension keys
  let polling = null;
  let latest = null;  // the last state the room sent, to count a save without waiting for a poll

  const $ = (id) => document.getElementById(id);

  function load() {
    try { return JSON.parse(localStorage.getItem(memoryKey)) || {}; } catch (e) { return {}; }
  }
  function remember(value) {
    memory = value;
    try { localStorage.setItem(memoryKey, JSON.stringify(value)); } catch (e) { /* private mode: this tab only */ }
  }

  function say(text, bad) {
    const status = $("status");
    // Unchanged text is left alone: a screen reader would read the live line again every poll.
    if (status.textContent !== text) status.textContent = text;
    status.classList.toggle("bad", Boolean(bad));
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function call(method, path, body) {
    const headers = { "X-Room-Code": memory.code || "" };
    if (memory.device) headers["Authorization"] = "Bearer " + memory.device;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(base + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
      });
    } catch (e) {
      return { status: 0, body: { error: "the room cannot be reached: is this phone on the room's network?" } };
    }
    let answer = {};
    try { answer = await response.json(); } catch (e) { /* an empty or odd answer */ }
    return { status: response.status, body: answer };
  }

  function show(section) {
    for (const id of ["join", "waiting", "ballot"]) $(id).hidden = id !== section;
  }

  // --- joining ---------------------------------------------------------------------------------

  function offerJoin(message) {
    remember({ code: memory.code });
    stopPolling();
    shown = null;
    show("join");
    if (memory.code) $("join-code").value = memory.code;
    $("join-name-hint").textContent =
      "In an anonymous workshop, use an alias: the screen shows it, never your name.";
    say(message || "Join the room with the code on the screen.", Boolean(message));
  }

  $("join").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const code = form.code.value.trim();
    const side = form.querySelector("input[name=perspective]:checked");
    remember({ code });
    say("Joining…");
    const { status, body } = await call("POST", "api/join", {
      code, name: form.name.value, perspective: side ? side.value : "",
    });
    if (status === 201) {
      remember({ code, device: body.device });
      say("Joined as " + body.name + ".");
      startPolling();
    } else if (status === 403) {
      say("That is not the room code on the screen.", true);
    } else {
      say(body.error || "Could not join (" + status + ").", true);
    }
  });

  // --- following the round ----------------------------------------------------------------------

  function startPolling() {
    stopPolling();
    poll();
    polling = setInterval(poll, POLL_MS);
  }
  function stopPolling() {
    if (polling !== null) clearInterval(polling);
    polling = null;
  }

  async function poll() {
    const { status, body } = await call("GET", "api/round");
    if (status === 401 || status === 403 || status === 404) {
      offerJoin(status === 404 ? "This room has closed." : "Join again: the room does not know this phone.");
      return;
    }
    if (status !== 200) {
      if (status === 0 || status >= 500) say(body.error || "The room is not answering; still trying.", true);
      return;  // 429: the next poll tries again
    }
    render(body);
  }

  function render(state) {
    latest = state;
    $("who").textContent = "You are " + state.me.name + " (" + (state.me.perspective === "it" ? "IT" : "business") + ").";
    const round = state.round;
    if (!round) {
      shown = null;
      show("waiting");
      say("Joined. Waiting for the facilitator to open a round.");
      return;
    }
    const keys = round.dimensions.map((d) => d.key).join("\n");
    const id = round.number + "/" + round.kind + "/" + keys;
    if (!shown || shown.id !== id) {
      drawBallot(state, round);
      shown = { id };
    }
    const what = round.kind === "target" ? "targets" : "current scores";
    $("round-title").textContent = "Round " + round.number + ": " + what;
    const open = round.state === "open";
    for (const input of $("ballot").querySelectorAll("input, textarea")) input.disabled = !open;
    if (round.state === "revealed") say("Revealed — look at the screen.");
    else if (round.state === "closed") say("Round closed.");
    else {
      const done = Object.keys(state.me.scores).length;
      say("Round " + round.number + " is open: " + done + " of " + round.dimensions.length + " scored.");
    }
  }

  function drawBallot(state, round) {
    show("ballot");
    const holder = $("dimensions");
    holder.replaceChildren();
    round.dimensions.forEach((dimension, index) => {
      const mine = state.me.scores[dimension.key];
      const set = el("fieldset", { "aria-describedby": "saved-" + index });
      set.append(el("legend", {}, dimension.name));
      if (dimension.group) set.append(el("p", { class: "group" }, dimension.group));
      for (const level of state.scale.levels) {
        const label = el("label", { class: "level" });
        const input = el("input", { type: "radio", name: "dim-" + index, value: String(level.value) });
        if (mine && mine.value === level.value) input.checked = true;
        input.addEventListener("change", () => save(dimension.key, index));
        const words = el("span");
        words.append(el("span", { class: "level-name" }, level.value + " · " + level.name));
        words.append(el("span", { class: "level-text" }, level.description));
        label.append(input, words);
        set.append(label);
      }
      const noteId = "note-" + index;
      set.append(el("label", { for: noteId }, "Evidence (optional)"));
      const note = el("textarea", { id: noteId, maxlength: "1000", rows: "2" });
      note.value = mine ? mine.evidence : "";
      // The note goes with the level: saved when it is left, if a level is chosen.
      note.addEventListener("change", () => {
        if (chosen(index) !== null) save(dimension.key, index);
      });
      set.append(note);
      set.append(el("p", { id: "saved-" + index, class: "saved", "aria-live": "polite" }));
      holder.append(set);
    });
  }

  function chosen(index) {
    const input = document.querySelector("input[name='dim-" + index + "']:checked");
    return input ? Number(input.value) : null;
  }

  async function save(key, index) {
    const line = $("saved-" + index);
    const value = chosen(index);
    if (value === null) return;
    line.className = "saved";
    line.textContent = "Saving…";
    const evidence = $("note-" + index).value;
    const { status, body } = await call("PUT", "api/scores/" + encodeURIComponent(key), { value, evidence });
    if (status === 200) {
      line.className = "saved ok";
      line.textContent = "Saved: " + body.value;
      if (latest && latest.round) {
        latest.me.scores[key] = { value: body.value, evidence: body.evidence };
        render(latest);
      }
    } else {
      line.className = "saved bad";
      line.textContent = status === 409 ? "Round closed: not saved." : (body.error || "Not saved (" + status + ").");
      if (status === 401) offerJoin("Join again: the room does not know this phone.");
    }
  }

  if (memory.device) startPolling(); else offerJoin();
})();
