extension Dashboard {
    // The page's script: Connect JSON calls (unary with fetch, streams read with ReadableStream), jobs kept in
    // sessionStorage so that a reload re-attaches where it left off.
    static let script = #"""
        "use strict";

        const PLANNING = "planning.v1.PlanningService";
        const CATALOG = "planning.v1.CatalogService";
        const STORAGE_KEY = "planning-rpcd.dashboard.v1";
        // The bearer token, for a server with authentication: kept for this tab only, like the jobs.
        const TOKEN_KEY = "planning-rpcd.dashboard.token";
        const MAX_RESULTS = 500;
        const KINDS = {
          JOB_KIND_GENERATE_ATTRIBUTES: "Generate attributes",
          JOB_KIND_AUTO_MAP_PDES: "Auto-map PDEs",
          JOB_KIND_REGENERATE_ALL_PDE_MAPPINGS: "Regenerate all mappings",
          JOB_KIND_CLASSIFY_PDES: "Classify PDEs",
        };
        const ENDED = new Set(["JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED"]);

        class RpcError extends Error {
          constructor(code, message) { super(`${code}: ${message || ""}`); this.code = code; }
        }

        // --- Connect protocol ------------------------------------------------------------------------------

        const headers = { "connect-protocol-version": "1" };

        function authorization() {
          const token = sessionStorage.getItem(TOKEN_KEY);
          return token ? { authorization: `Bearer ${token}` } : {};
        }

        async function unary(service, method, request) {
          const response = await fetch(`/${service}/${method}`, {
            method: "POST",
            headers: { ...headers, ...authorization(), "content-type": "application/json" },
            body: JSON.stringify(request),
          });
          return readUnary(response);
        }

        // Side-effect-free methods are plain GETs, as Connect allows.
        async function get(service, method, request) {
          const query = new URLSearchParams({ connect: "v1", encoding: "json", message: JSON.stringify(request) });
          return readUnary(await fetch(`/${service}/${method}?${query}`, { headers: authorization() }));
        }

        async function readUnary(response) {
          const body = await response.json();
          if (!response.ok) throw new RpcError(body.code, body.message);
          return body;
        }

        function envelope(message) {
          const json = new TextEncoder().encode(JSON.stringify(message));
          const bytes = new Uint8Array(5 + json.length);
          new DataView(bytes.buffer).setUint32(1, json.length);
          bytes.set(json, 5);
          return bytes;
        }

        // Yields the messages of a server stream; throws RpcError for the end-of-stream error, and a plain Error
        // when the connection drops before the end of the stream.
        async function* serverStream(method, request) {
          const response = await fetch(`/${PLANNING}/${method}`, {
            method: "POST",
            headers: { ...headers, ...authorization(), "content-type": "application/connect+json" },
            body: envelope(request),
          });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          let buffer = new Uint8Array(0);
          for (;;) {
            const { value, done } = await reader.read();
            if (done) throw new Error("the stream was cut");
            const joined = new Uint8Array(buffer.length + value.length);
            joined.set(buffer);
            joined.set(value, buffer.length);
            buffer = joined;
            while (buffer.length >= 5) {
              const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(1);
              if (buffer.length < 5 + length) break;
              const flags = buffer[0];
              const message = JSON.parse(decoder.decode(buffer.subarray(5, 5 + length)));
              buffer = buffer.slice(5 + length);
              if (flags & 0x02) {
                if (message.error) throw new RpcError(message.error.code, message.error.message);
                return;
              }
              yield message;
            }
          }
        }

        // --- State -----------------------------------------------------------------------------------------

        const jobs = new Map();
        let report = null;

        function save() {
          const stored = {};
          for (const [id, job] of jobs) stored[id] = job;
          sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
        }

        function restore() {
          try {
            const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "{}");
            for (const id of Object.keys(stored)) jobs.set(id, stored[id]);
          } catch { sessionStorage.removeItem(STORAGE_KEY); }
        }

        function fromJob(job) {
          return {
            id: job.id, kind: job.kind, state: job.state, step: job.step || "", percent: job.percent || 0,
            itemsDone: Number(job.itemsDone || 0), itemsTotal: Number(job.itemsTotal || 0),
            created: job.createTime || "", last: 0, results: [], outcome: outcomeOf(job.result, job.error),
            attachedAfter: null, attachCount: 0, watching: false,
          };
        }

        function outcomeOf(result, error) {
          if (error) return { ok: false, text: `${error.code === 1 ? "Cancelled" : "Failed"}: ${error.message || ""}` };
          if (!result) return null;
          const parts = ["generated", "created", "mapped", "classified", "skipped"]
            .filter((key) => Number(result[key] || 0) > 0).map((key) => `${key} ${result[key]}`);
          return { ok: true, text: `Done: ${parts.join(", ") || "nothing to do"}` };
        }

        // Applies one event; an event already seen (by sequence) is dropped, so nothing shows twice.
        function apply(job, event) {
          if (event.heartbeat) return;
          const sequence = Number(event.sequence || 0);
          if (sequence <= job.last) return;
          job.last = sequence;
          job.state = event.state || job.state;
          job.step = event.step || "";
          job.percent = event.percent || 0;
          job.itemsDone = Number(event.itemsDone || 0);
          job.itemsTotal = Number(event.itemsTotal || 0);
          const text = resultText(event);
          if (text) {
            job.results.push({ sequence, text });
            if (job.results.length > MAX_RESULTS) job.results.shift();
          }
          if (event.result || event.error) job.outcome = outcomeOf(event.result, event.error);
          save();
          render(job);
        }

        function resultText(event) {
          if (event.attributeGenerated) {
            const a = event.attributeGenerated.attribute || {};
            return [a.name, a.dataType];
          }
          if (event.mappingSuggested) {
            const m = event.mappingSuggested.mapping || {};
            const p = m.pde || {};
            return [`${m.attributeId} → ${p.system}.${p.table}.${p.column}`, `${Math.round((m.confidence || 0) * 100)}%`];
          }
          if (event.pdeClassified) {
            const c = event.pdeClassified.classification || {};
            return [c.pdeId, [c.criticality, c.securityClass].filter(Boolean).join(" ").toLowerCase()];
          }
          return null;
        }

        // --- Following jobs --------------------------------------------------------------------------------

        // Reads a job's events until its end, re-attaching with WatchJob from the last sequence after a drop.
        async function follow(job, events) {
          if (job.watching) return;
          job.watching = true;
          try {
            for (;;) {
              try {
                if (!events) {
                  job.attachedAfter = job.last;
                  job.attachCount += 1;
                  render(job);
                  events = serverStream("WatchJob", { jobId: job.id, afterSequence: String(job.last) });
                }
                for await (const event of events) apply(job, event);
                setStatus("live");
                return;
              } catch (error) {
                if (error instanceof RpcError) { reportError("watch", error); return; }
                setStatus("connection lost; re-attaching…");
                events = null;
                await new Promise((resolve) => setTimeout(resolve, 1000));
              }
              if (ENDED.has(job.state)) return;
            }
          } finally {
            job.watching = false;
            save();
            render(job);
          }
        }

        async function startOperation(operation) {
          const request = { reportId: report.id };
          if (operation === "GenerateAttributes") request.autoCreate = true;
          const events = serverStream(operation, request);
          try {
            const first = await events.next();
            if (first.done || !first.value.accepted) throw new Error("the job was not accepted");
            const job = fromJob(first.value.accepted.job);
            jobs.set(job.id, job);
            apply(job, first.value);
            render(job);
            await follow(job, events);
          } catch (error) {
            reportError(operation, error);
          }
        }

        async function cancelJob(job) {
          try {
            await unary(PLANNING, "CancelJob", { jobId: job.id });
          } catch (error) {
            reportError("cancel", error);
          }
        }

        async function refreshJobs() {
          try {
            const list = await get(PLANNING, "ListJobs", { pageSize: 20 });
            for (const listed of list.jobs || []) {
              let job = jobs.get(listed.id);
              if (!job) {
                job = fromJob(listed);
                // A job this page has not followed shows from now on; one that has ended needs no replay.
                job.last = ENDED.has(listed.state) ? Number(listed.lastSequence || 0) : 0;
                jobs.set(job.id, job);
              }
              render(job);
              if (!ENDED.has(job.state)) follow(job, null);
            }
            for (const job of jobs.values()) if (!ENDED.has(job.state)) follow(job, null);
            document.getElementById("empty").hidden = jobs.size > 0;
            setStatus("live");
          } catch (error) {
            reportError("jobs", error);
          }
        }

        async function findReport() {
          const cycles = (await get(CATALOG, "ListCycles", {})).cycles || [];
          const cycle = cycles.find((c) => c.name === "2026 Q4") || cycles[0];
          if (!cycle) return null;
          const reports = (await get(CATALOG, "ListReports", { cycleId: cycle.id })).reports || [];
          return reports[0] || null;
        }

        // --- Rendering -------------------------------------------------------------------------------------

        function setStatus(text) { document.getElementById("status").textContent = text; }

        // A call refused for its credentials asks for a token instead of showing the error alone.
        function reportError(what, error) {
          const wanted = error instanceof RpcError && error.code === "unauthenticated";
          document.getElementById("signin").classList.toggle("wanted", wanted);
          setStatus(wanted ? `${what}: the server wants a bearer token (${error.message})` : `${what}: ${error.message}`);
          if (wanted && !document.getElementById("token").value) document.getElementById("token").focus();
        }

        function card(job) {
          let element = document.querySelector(`.job[data-job-id="${job.id}"]`);
          if (element) return element;
          element = document.getElementById("job-template").content.firstElementChild.cloneNode(true);
          element.dataset.jobId = job.id;
          element.querySelector(".cancel").addEventListener("click", () => cancelJob(jobs.get(job.id)));
          const list = document.getElementById("jobs");
          const newer = [...list.children].find((other) => (jobs.get(other.dataset.jobId)?.created || "") < job.created);
          list.insertBefore(element, newer || null);
          document.getElementById("empty").hidden = true;
          return element;
        }

        function render(job) {
          const element = card(job);
          const state = (job.state || "").replace("JOB_STATE_", "").toLowerCase();
          element.className = `job ${state}`;
          element.dataset.state = state;
          element.dataset.lastSequence = job.last;
          if (job.attachedAfter !== null) element.dataset.attachedAfter = job.attachedAfter;
          element.dataset.attachCount = job.attachCount;
          element.querySelector(".kind").textContent = KINDS[job.kind] || job.kind;
          element.querySelector(".state").textContent = state;
          element.querySelector(".state").className = `state ${state}`;
          element.querySelector(".id").textContent = job.id;
          const percent = Math.round(job.percent);
          element.querySelector(".bar > div").style.width = `${percent}%`;
          element.querySelector(".bar").setAttribute("aria-valuenow", percent);
          element.querySelector(".percent").textContent = `${percent}%`;
          element.querySelector(".step").textContent = job.step;
          element.querySelector(".items").textContent = job.itemsTotal ? `${job.itemsDone} / ${job.itemsTotal} items` : "";
          element.querySelector(".cancel").hidden = ENDED.has(job.state);
          const outcome = element.querySelector(".outcome");
          outcome.hidden = !job.outcome;
          if (job.outcome) outcome.textContent = job.outcome.text;
          const results = element.querySelector(".results");
          const shown = results.children.length ? Number(results.lastElementChild.dataset.sequence) : 0;
          for (const result of job.results) {
            if (result.sequence <= shown) continue;
            const item = document.createElement("li");
            item.dataset.sequence = result.sequence;
            item.append(result.text[0] || "");
            if (result.text[1]) {
              const note = document.createElement("small");
              note.textContent = ` ${result.text[1]}`;
              item.append(note);
            }
            results.append(item);
          }
          if (results.lastElementChild) results.scrollTop = results.scrollHeight;
        }

        // --- Start -----------------------------------------------------------------------------------------

        async function main() {
          restore();
          // What the previous page was doing with a job is not this page's: it attaches afresh.
          for (const job of jobs.values()) { job.watching = false; job.attachedAfter = null; render(job); }
          document.getElementById("refresh").addEventListener("click", refreshJobs);
          for (const button of document.querySelectorAll("[data-op]")) {
            button.addEventListener("click", () => startOperation(button.dataset.op));
          }
          const field = document.getElementById("token");
          field.value = sessionStorage.getItem(TOKEN_KEY) || "";
          document.getElementById("signin").addEventListener("submit", (event) => {
            event.preventDefault();
            const token = field.value.trim();
            if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
            document.getElementById("signin").classList.remove("wanted");
            load();
          });
          await load();
          setInterval(refreshJobs, 10000);
        }

        // Finds the demo report and the jobs: at start, and again with a new token.
        async function load() {
          const reportLine = document.getElementById("report");
          let failure = null;
          try {
            report = await findReport();
          } catch (error) {
            report = null;
            failure = error;
            reportError("catalog", error);
          }
          for (const button of document.querySelectorAll("[data-op]")) button.disabled = !report;
          if (report) {
            reportLine.textContent = `${report.name} (${report.id})`;
          } else if (failure) {
            reportLine.textContent = `The catalog could not be read: ${failure.message}`;
          } else {
            reportLine.textContent = "No report in the catalog: start the daemon with --demo-data.";
          }
          if (!failure) await refreshJobs();
        }

        main();

        """#
}
