package io.journeys.io;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeys.TestSpark;
import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellFreeLocalFileSystemTest {
  @TempDir java.nio.file.Path dir;

  private static FileSystem fileSystem() throws Exception {
    ShellFreeLocalFileSystem fs = new ShellFreeLocalFileSystem();
    fs.initialize(java.net.URI.create("file:///"), new Configuration());
    return fs;
  }

  @Test
  void setsTheModeBitsOfAFileAndRefusesAMissingOne() throws Exception {
    FileSystem fs = fileSystem();
    java.nio.file.Path file = Files.writeString(dir.resolve("a.txt"), "x");
    fs.setPermission(new Path(file.toUri()), new FsPermission((short) 0640));
    assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(OWNER_READ, OWNER_WRITE, GROUP_READ);
    fs.setPermission(new Path(file.toUri()), new FsPermission((short) 0755));
    assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
        OWNER_READ, OWNER_WRITE, OWNER_EXECUTE, GROUP_READ, GROUP_EXECUTE, OTHERS_READ, OTHERS_EXECUTE);
    assertThatThrownBy(() -> fs.setPermission(new Path(dir.resolve("missing").toUri()), new FsPermission((short) 0644)))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void aFileIsNotALinkAndALinkIsStillOne() throws Exception {
    FileSystem fs = fileSystem();
    java.nio.file.Path file = Files.writeString(dir.resolve("a.txt"), "hello");
    java.nio.file.Path link = Files.createSymbolicLink(dir.resolve("link"), file);

    FileStatus plain = fs.getFileLinkStatus(new Path(file.toUri()));
    assertThat(plain.isSymlink()).isFalse();
    assertThat(plain.isFile()).isTrue();
    assertThat(plain.getLen()).isEqualTo(5);
    FileStatus directory = fs.getFileLinkStatus(new Path(dir.toUri()));
    assertThat(directory.isDirectory()).isTrue();

    // Hadoop's own answer for links (it reads the link from the path's text, so only a path
    // without its scheme is seen as one), as Hadoop's raw local file system gives it.
    org.apache.hadoop.fs.RawLocalFileSystem hadoop = new org.apache.hadoop.fs.RawLocalFileSystem();
    hadoop.initialize(java.net.URI.create("file:///"), new Configuration());
    FileStatus linked = fs.getFileLinkStatus(new Path(link.toString()));
    assertThat(linked.isSymlink()).isTrue();
    assertThat(linked.getSymlink().toUri().getPath()).isEqualTo(file.toString());
    assertThat(linked).isEqualTo(hadoop.getFileLinkStatus(new Path(link.toString())));
    assertThat(fs.getFileLinkStatus(new Path(link.toUri())).isSymlink())
        .isEqualTo(hadoop.getFileLinkStatus(new Path(link.toUri())).isSymlink());
    assertThat(plain).isEqualTo(hadoop.getFileLinkStatus(new Path(file.toUri())));

    assertThatThrownBy(() -> fs.getFileLinkStatus(new Path(dir.resolve("missing").toUri())))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void fileContextCreatesAndRenamesButNeverOntoAnExistingFile() throws Exception {
    // Delta's commits on file: write a temporary file, then rename it without overwriting: a
    // second writer of the same version must fail.
    Configuration conf = new Configuration();
    conf.set("fs.AbstractFileSystem.file.impl", ShellFreeLocalFs.class.getName());
    FileContext context = FileContext.getFileContext(java.net.URI.create("file:///"), conf);
    Path temp = new Path(dir.resolve(".tmp-1").toUri());
    try (FSDataOutputStream out = context.create(temp, EnumSet.of(CreateFlag.CREATE),
        Options.CreateOpts.perms(new FsPermission((short) 0644)))) {
      out.write("commit".getBytes(StandardCharsets.UTF_8));
    }
    Path version = new Path(dir.resolve("00001.json").toUri());
    context.rename(temp, version, Options.Rename.NONE);
    assertThat(Files.readString(dir.resolve("00001.json"))).isEqualTo("commit");
    assertThat(Files.getPosixFilePermissions(dir.resolve("00001.json"))).contains(OWNER_READ, OWNER_WRITE);

    Path other = new Path(dir.resolve(".tmp-2").toUri());
    try (FSDataOutputStream out = context.create(other, EnumSet.of(CreateFlag.CREATE))) {
      out.write("other".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> context.rename(other, version, Options.Rename.NONE))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(dir.resolve("00001.json"))).isEqualTo("commit");
  }

  @Test
  void sessionsUseItForLocalFiles() throws Exception {
    Configuration conf = TestSpark.session().sparkContext().hadoopConfiguration();
    assertThat(FileSystem.get(java.net.URI.create("file:///"), conf)).isInstanceOf(ShellFreeLocalFileSystem.class);
    assertThat(FileContext.getFileContext(java.net.URI.create("file:///"), conf).getDefaultFileSystem())
        .isInstanceOf(ShellFreeLocalFs.class);
  }
}
