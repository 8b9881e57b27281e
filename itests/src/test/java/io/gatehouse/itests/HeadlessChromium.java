package io.gatehouse.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's chromium driven through Debian's chromedriver, headless, with a fresh profile and nothing that reaches
 * the network on its own; quitting the browser deletes its profile. Needs {@code apt-get install chromium
 * chromium-driver} (.ci/run installs them).
 */
public final class HeadlessChromium {

    public static final Path CHROMIUM = Path.of(System.getProperty("gatehouse.itest.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER =
            Path.of(System.getProperty("gatehouse.itest.chromedriver", "/usr/bin/chromedriver"));

    private HeadlessChromium() {
    }

    public static ChromeDriver start() throws IOException {
        return start(new String[0]);
    }

    /**
     * {@link #start()} with extra Chromium arguments (for example {@code --ignore-certificate-errors-spki-list=...}
     * to trust one test certificate); the browser's console log is kept ({@code LogType.BROWSER}).
     */
    public static ChromeDriver start(String... extraArguments) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install -y chromium chromium-driver");
        }
        Path profile = Files.createTempDirectory("gatehouse-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile);
        options.addArguments(extraArguments);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ProfileDeletingDriver(service, options, profile);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }

    /** A browser whose profile folder (a few MB per browser started) goes when it quits. */
    private static final class ProfileDeletingDriver extends ChromeDriver {

        private final Path profile;

        ProfileDeletingDriver(ChromeDriverService service, ChromeOptions options, Path profile) {
            super(service, options);
            this.profile = profile;
        }

        @Override
        public void quit() {
            try {
                super.quit();
            } finally {
                try {
                    Folders.delete(profile);
                } catch (IOException e) {
                    System.err.println("could not delete the browser profile " + profile + ": " + e);
                }
            }
        }
    }
}
