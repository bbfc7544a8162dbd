package io.mcpgateway.app.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian chromium per test class, driven through the system's chromedriver (no Selenium Manager
 * download: both paths are given). Keeps a screenshot of every page visited and writes them, with the page
 * source, under target/console-screenshots/ when a test fails.
 */
final class Browser implements AfterTestExecutionCallback, AutoCloseable {
  static final String CHROMIUM = System.getProperty("mgw.test.chromium", "/usr/bin/chromium");
  static final String CHROMEDRIVER = System.getProperty("mgw.test.chromedriver", "/usr/bin/chromedriver");

  private final Path profile;
  private ChromeDriver driver;
  private final Map<String, byte[]> shots = new LinkedHashMap<>();

  Browser() {
    try {
      profile = Files.createTempDirectory("mgw-chromium-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  ChromeDriver driver() {
    if (driver == null) {
      // Selenium Manager must not try to fetch a driver or a browser.
      System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
          .usingAnyFreePort().build();
      ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
          "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900",
          "--user-data-dir=" + profile);
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }
    return driver;
  }

  WebDriverWait waiting() {
    return new WebDriverWait(driver(), Duration.ofSeconds(20));
  }

  WebElement visible(By by) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void textIn(By by, String text) {
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  void open(String url) {
    driver().get(url);
  }

  void size(int width, int height) {
    driver().manage().window().setSize(new Dimension(width, height));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver()).executeScript(script, args);
  }

  /**
   * Every visible form control of the page has an accessible name (a label, aria-label or aria-labelledby);
   * returns the ones that do not, described by tag, type and name.
   */
  @SuppressWarnings("unchecked")
  List<String> unlabelledControls() {
    return (List<String>) js("""
        return [...document.querySelectorAll('input, select, textarea')]
          .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
          .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
          .map(e => e.tagName + '[' + (e.type || '') + '] ' + (e.name || e.id));""");
  }

  /** Keeps the latest screenshot of a page, for the failure report. */
  void shot(String page) {
    shots.put(page, driver().getScreenshotAs(OutputType.BYTES));
  }

  List<LogEntry> severeLogs() {
    return driver().manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
  }

  @Override
  public void afterTestExecution(ExtensionContext context) throws Exception {
    // -Dmgw.test.screenshots=always keeps them for passing tests too (to look at the pages).
    boolean always = "always".equals(System.getProperty("mgw.test.screenshots"));
    if ((context.getExecutionException().isEmpty() && !always) || driver == null) {
      shots.clear();
      return;
    }
    Path dir = Path.of("target", "console-screenshots", context.getRequiredTestMethod().getName());
    if (Files.isDirectory(dir)) {
      try (var old = Files.list(dir)) {
        old.forEach(f -> f.toFile().delete());
      }
    }
    Files.createDirectories(dir);
    int i = 0;
    for (var e : shots.entrySet()) {
      Files.write(dir.resolve(String.format("%02d-%s.png", i++, e.getKey())), e.getValue());
    }
    Files.write(dir.resolve("zz-last-page.png"), driver.getScreenshotAs(OutputType.BYTES));
    Files.writeString(dir.resolve("zz-last-page.html"), driver.getPageSource());
    Files.writeString(dir.resolve("zz-browser-log.txt"), String.join("\n",
        driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString).toList()));
    shots.clear();
  }

  @Override
  public void close() {
    if (driver != null) {
      driver.quit();
    }
    try (var walk = Files.walk(profile)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp profile is harmless
    }
  }
}
