#include "exporter/platform/file_watcher.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "exporter/platform/file_watcher_backend.h"

namespace ipv6ha {
namespace {

std::pair<std::string, std::string> SplitPath(const std::string& path) {
  const std::filesystem::path p(path);
  // "pds.json" has no parent: its directory is the working directory.
  return {p.has_parent_path() ? p.parent_path().string() : std::string("."),
          p.filename().string()};
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

void FileWatchEntries::Add(FileWatchEntry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.push_back(std::move(entry));
}

void FileWatchEntries::RemoveLast() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!entries_.empty()) entries_.pop_back();
}

template <typename Pred>
std::vector<FileWatchEntry> FileWatchEntries::Select(Pred pred) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<FileWatchEntry> out;
  for (const auto& e : entries_) {
    if (pred(e)) out.push_back(e);
  }
  return out;
}

std::vector<FileWatchEntry> FileWatchEntries::Named(
    const std::string& dir, const std::string& name) const {
  return Select(
      [&](const FileWatchEntry& e) { return e.dir == dir && e.name == name; });
}

std::vector<FileWatchEntry> FileWatchEntries::InDirectory(
    const std::string& dir) const {
  return Select([&](const FileWatchEntry& e) { return e.dir == dir; });
}

std::vector<FileWatchEntry> FileWatchEntries::WithPath(
    const std::string& path) const {
  return Select([&](const FileWatchEntry& e) { return e.path == path; });
}

// The entries, the platform's queue, the thread that runs it and a
// self-pipe that wakes the thread for shutdown.
struct FileWatcher::Impl {
  FileWatchEntries entries;
  int wake[2] = {-1, -1};
  std::unique_ptr<FileWatchQueue> queue;
  std::string init_error;
  std::thread thread;
};

FileWatcher::FileWatcher() : impl_(std::make_unique<Impl>()) {
  if (pipe(impl_->wake) != 0) {
    impl_->init_error =
        std::string("cannot create a pipe: ") + std::strerror(errno);
    return;
  }
  fcntl(impl_->wake[0], F_SETFD, FD_CLOEXEC);
  fcntl(impl_->wake[1], F_SETFD, FD_CLOEXEC);
  auto queue = FileWatchQueue::Open(impl_->wake[0], impl_->entries);
  if (!queue) {
    impl_->init_error = queue.error().message;
    return;
  }
  impl_->queue = std::move(*queue);
  impl_->thread = std::thread([queue = impl_->queue.get()] { queue->Run(); });
}

FileWatcher::~FileWatcher() {
  if (impl_->thread.joinable()) {
    const char stop = 'x';
    ssize_t ignored = write(impl_->wake[1], &stop, 1);
    (void)ignored;
    impl_->thread.join();
  }
  impl_->queue.reset();
  CloseFd(impl_->wake[0]);
  CloseFd(impl_->wake[1]);
}

Status FileWatcher::Watch(const std::string& path, Callback callback) {
  if (!impl_->init_error.empty()) return Error{impl_->init_error};
  auto [dir, name] = SplitPath(path);
  if (name.empty()) return Error{"cannot watch " + path + ": not a file name"};
  impl_->entries.Add({dir, name, path, std::move(callback)});
  auto status = impl_->queue->Add(dir, path);
  if (!status) impl_->entries.RemoveLast();
  return status;
}

}  // namespace ipv6ha
