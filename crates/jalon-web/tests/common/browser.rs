//! Headless Chromium driven through chromedriver (fantoccini), for the browser tests: start
//! the driver, open a browser, sign in, read and fill the page, draw a signature.
//!
//! Needs `chromium` and `chromedriver` (`.ci/run` installs them); without them a test says
//! it was skipped and why.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::PASSWORD;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts chromedriver on a free port; returns it and its URL once it says it is ready.
pub fn chromedriver() -> Option<(Driver, String)> {
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        let _ = writeln!(
            std::io::stderr(),
            "browser tests skipped: {CHROMEDRIVER} or {CHROMIUM} is missing (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    // chromedriver prints « ChromeDriver was started successfully on port N. » when ready.
    loop {
        match lines.next() {
            Some(Ok(l)) if l.contains("started successfully") => break,
            Some(Ok(_)) => continue,
            _ => panic!("chromedriver did not start"),
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Some((Driver(child), format!("http://127.0.0.1:{port}")))
}

pub async fn browser(driver: &str) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1280,1000", "--lang=fr-FR"]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(driver)
        .await
        .expect("a browser session")
}

pub async fn sign_in(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".who")).await.unwrap();
}

/// The text of an element, waiting for it to appear (after a click that loads a page).
pub async fn text(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

pub async fn body(c: &Client) -> String {
    text(c, "body").await
}

pub async fn click(b: &Client, css: &str) {
    b.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

pub async fn fill(b: &Client, id: &str, value: &str) {
    let field = b.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Draws a stroke on a signature pad's canvas, as a finger would.
pub async fn draw(c: &Client, canvas_css: &str) {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let canvas = c.find(Locator::Css(canvas_css)).await.unwrap();
    let stroke = MouseActions::new("stylet".into())
        .then(PointerAction::MoveToElement {
            element: canvas.clone(),
            duration: None,
            x: -100.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: None,
            x: 80.0,
            y: -25.0,
        })
        .then(PointerAction::MoveBy {
            duration: None,
            x: 90.0,
            y: 35.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(stroke).await.unwrap();
}

/// Sets a field's value as a picker would (a date field, whatever the browser's locale).
pub async fn set_value(c: &Client, id: &str, value: &str) {
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![json!(id), json!(value)],
    )
    .await
    .unwrap();
}

/// Clicks a form's button and waits for the page it leads to (the same address, maybe):
/// the old page's body is marked first, so only the new one answers.
pub async fn submit(c: &Client, css: &str) {
    c.execute("document.body.dataset.jalonOld = '1';", vec![])
        .await
        .unwrap();
    click(c, css).await;
    c.wait()
        .for_element(Locator::Css("body:not([data-jalon-old])"))
        .await
        .unwrap_or_else(|e| panic!("{css}: no page after the click ({e})"));
}
