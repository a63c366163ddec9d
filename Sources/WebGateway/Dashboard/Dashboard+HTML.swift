extension Dashboard {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>planning-rpcd jobs</title>
          <link rel="stylesheet" href="/dashboard.css">
          <script src="/dashboard.js" defer></script>
        </head>
        <body>
          <header>
            <h1>planning-rpcd <span>jobs</span></h1>
            <form id="signin" autocomplete="off">
              <label>Bearer token <input id="token" type="password" placeholder="if the server asks for one"></label>
              <button type="submit" class="quiet">Use</button>
            </form>
            <p id="status" role="status">connecting…</p>
          </header>
          <main>
            <section id="start">
              <h2>Demo report</h2>
              <p id="report">looking for the demo report…</p>
              <div class="actions">
                <button data-op="GenerateAttributes" disabled>Generate attributes</button>
                <button data-op="AutoMapPDEs" disabled>Auto-map PDEs</button>
                <button data-op="RegenerateAllPDEMappings" disabled>Regenerate all mappings</button>
                <button data-op="ClassifyPDEs" disabled>Classify PDEs</button>
              </div>
            </section>
            <section>
              <h2>Jobs <button id="refresh" class="quiet" title="Reload the list">↻</button></h2>
              <ol id="jobs"></ol>
              <p id="empty" hidden>No jobs yet.</p>
            </section>
          </main>
          <template id="job-template">
            <li class="job">
              <div class="job-head">
                <strong class="kind"></strong>
                <span class="state"></span>
                <code class="id"></code>
                <button class="cancel" hidden>Cancel</button>
              </div>
              <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100"><div></div></div>
              <div class="meta"><span class="percent"></span> <span class="step"></span> <span class="items"></span></div>
              <p class="outcome" hidden></p>
              <ul class="results"></ul>
            </li>
          </template>
        </body>
        </html>

        """#
}
