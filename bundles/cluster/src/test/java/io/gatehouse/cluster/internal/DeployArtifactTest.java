package io.gatehouse.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployArtifactTest {

    @TempDir
    Path dir;

    private Path jar(String name, String bsn, String version) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) {
            m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
            m.getMainAttributes().putValue("Bundle-Version", version);
        }
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }

    @Test
    void aNameIsAFeatureAndAUrlABundleCopiedUnderItsNameAndVersion() throws Exception {
        assertEquals("gatehouse-app", DeployArtifact.resolve("gatehouse-app", dir.resolve("deploy")).feature());
        Path jar = jar("x.jar", "com.example.hello;singleton:=true", "2.0.0");
        DeployArtifact a = DeployArtifact.resolve(jar.toUri().toString(), dir.resolve("deploy"));
        assertEquals("com.example.hello", a.symbolicName());
        assertEquals("2.0.0", a.version());
        assertTrue(Files.exists(dir.resolve("deploy/com.example.hello-2.0.0.jar")));
        assertEquals(dir.resolve("deploy/com.example.hello-2.0.0.jar").toUri().toString(), a.fileUrl());
    }

    @Test
    void badInputIsNamed() throws Exception {
        Path deploy = dir.resolve("deploy");
        assertTrue(assertThrows(OperationException.class, () -> DeployArtifact.resolve("nosuch:thing", deploy))
                .getMessage().startsWith("'nosuch:thing' is neither a feature name nor a bundle URL"));
        Path plain = jar("plain.jar", null, null);
        assertTrue(assertThrows(OperationException.class, () -> DeployArtifact.resolve(plain.toUri().toString(), deploy))
                .getMessage().contains("is not an OSGi bundle"));
        assertTrue(assertThrows(OperationException.class, () -> DeployArtifact.resolve(
                dir.resolve("missing.jar").toUri().toString(), deploy)).getMessage().startsWith("cannot read the bundle at"));
        assertTrue(assertThrows(OperationException.class, () -> DeployArtifact.resolve(" ", deploy)).getMessage()
                .contains("was empty"));
    }

    @Test
    void shellArgumentsAreCheckedAndBundleListsParsed() throws Exception {
        assertEquals("file:///tmp/a-1.0.jar", KarafShell.safe("file:///tmp/a-1.0.jar"));
        assertTrue(assertThrows(OperationException.class, () -> KarafShell.safe("file:/x.jar;shutdown -f"))
                .getMessage().contains("'file:/x.jar;shutdown -f' cannot be passed"));
        List<String[]> rows = KarafShell.rows("START LEVEL 100 , List Threshold: 0\nID\tState\tLvl\tVersion\tName\n"
                + " 99\tActive  \t 30\t8.0.34            \torg.ops4j.pax.web.pax-web-websocket\n"
                + "101\tResolved\t 80\t3.0.0\tcom.example.hello\n", 5);
        assertEquals(2, rows.size());
        assertEquals("101", rows.get(1)[0]);
        assertEquals("Resolved", rows.get(1)[1]);
        assertEquals("com.example.hello", rows.get(1)[4]);
    }
}
